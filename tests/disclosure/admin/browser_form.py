"""What a browser posts when a clerk presses 保存 on an admin change page, unchanged.

Parsing the rendered page (rather than building the POST by hand) is the point: the admin posts
every inline form as the widgets rendered it, and a form that differs from its initial value
only by rendering (a newline, an amount's format) would be saved and audited as a change.
"""

from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data: list[tuple[str, str]] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._option_value: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and "disabled" not in attrs:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data.append((name, attrs.get("value") or "on"))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self.data.append((name, attrs.get("value") or ""))
        elif tag == "select" and name:
            self._select, self._options = name, []
        elif tag == "option" and self._select is not None:
            self._option_value = attrs.get("value")
            self._options.append((attrs.get("value") or "", "selected" in attrs))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select is not None:
            chosen = [value for value, selected in self._options if selected]
            if chosen or self._options:
                self.data.append((self._select, (chosen or [self._options[0][0]])[0]))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            # HTML drops the newline right after <textarea>; browsers submit CRLF line ends.
            text = text.removeprefix("\r\n").removeprefix("\n")
            text = text.replace("\r\n", "\n").replace("\n", "\r\n")
            self.data.append((self._textarea, text))
            self._textarea = None


def posted_form(html: str, form_id: str) -> dict[str, str]:
    """The fields a browser submits from the form with this id, as a dict for the test client."""
    parser = _FormParser(form_id)
    parser.feed(html)
    return dict(parser.data)
