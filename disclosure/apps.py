from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "disclosure"
    verbose_name = "决算公开"

    def ready(self):
        # The formats register themselves, and declare to the models where a 三公 amount lives
        # (ThreePublicExpense.clean reads it), before any request, command or test runs.
        from disclosure import formats  # noqa: F401
