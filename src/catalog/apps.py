from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("事项清单")

    def ready(self):
        from django.db.models import signals

        from directory.models import Department
        from lianban import pagecache

        # The public guide shows the catalog and its departments' names; a change made in
        # this worker (the admin, the importer) shows at once.
        for model in [*self.get_models(), Department]:
            for signal in (signals.post_save, signals.post_delete):
                signal.connect(pagecache.changed, sender=model, dispatch_uid=f"guide-{model}")
            for field in model._meta.local_many_to_many:
                through = field.remote_field.through
                signals.m2m_changed.connect(
                    pagecache.changed, sender=through, dispatch_uid=f"guide-{through}"
                )
