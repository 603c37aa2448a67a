from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "disclosure"
    verbose_name = "决算公开"

    def ready(self):
        # The formats register themselves, and declare to the models where a 三公 amount lives
        # (ThreePublicExpense.clean reads it), before any request, command or test runs.
        from disclosure import formats  # noqa: F401

        # After a publication commits, the year's data package is built again. Registered here,
        # explicitly: the workflow sits below the exports and cannot call them itself.
        from disclosure.exports.packages import rebuild_after_publish
        from disclosure.workflow.services import on_published

        if rebuild_after_publish not in on_published:
            on_published.append(rebuild_after_publish)
        # Then the kept pages, CSVs and API responses move on (disclosure.caching): after the
        # package, so /downloads/ and the pages agree when the first reader comes.
        from disclosure.caching.published import published_changed

        if published_changed not in on_published:
            on_published.append(published_changed)
