"""A decided item's light is final from now on (review._task_transition): red if it was
decided after its due date, green if by it. Items decided before kept whatever light they
last had, so the task list's "已超期" filter missed many late decisions; set theirs once."""

from django.db import migrations
from django.utils import timezone

DECIDED = ("approved", "refused")
BATCH = 500


def settle(apps, schema_editor):
    ReviewTask = apps.get_model("cases", "ReviewTask")
    decided = ReviewTask.objects.filter(
        state__in=DECIDED, due_date__isnull=False, decided_at__isnull=False
    ).values_list("pk", "due_date", "decided_at", "light")
    changes = {"red": [], "green": []}
    for pk, due, decided_at, light in decided.iterator(chunk_size=2000):
        final = "red" if timezone.localdate(decided_at) > due else "green"
        if final != light:
            changes[final].append(pk)
    for light, ids in changes.items():
        for start in range(0, len(ids), BATCH):
            ReviewTask.objects.filter(pk__in=ids[start : start + BATCH]).update(light=light)


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_task_list_indexes")]

    operations = [migrations.RunPython(settle, migrations.RunPython.noop)]
