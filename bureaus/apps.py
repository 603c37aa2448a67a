from django.apps import AppConfig


class BureausConfig(AppConfig):
    name = "bureaus"
    verbose_name = "单位"
