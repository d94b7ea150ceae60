import django.utils.timezone
from django.db import migrations, models

# Names were written "漏水 / Water leak" before each language had its own field; the standard
# teams had a Chinese name only.
TEAM_NAMES_EN = {"maintenance": "Maintenance team", "cleaning": "Cleaning team",
                 "security": "Security team"}


def split_names(apps, schema_editor):
    joined = {}
    # The rows, and their copies in the audit history.
    for model_name in ("WorkOrderCategory", "Team", "HistoricalWorkOrderCategory",
                       "HistoricalTeam"):
        model = apps.get_model("property_service", model_name)
        pk = "history_id" if model_name.startswith("Historical") else "pk"
        for row in model.objects.filter(name_en=""):
            zh, sep, en = row.name.partition(" / ")
            zh, en = (zh.strip(), en.strip()) if sep and zh.strip() else (row.name, "")
            if model_name.endswith("Team") and not en:
                en = TEAM_NAMES_EN.get(row.code, "")
            if en:
                model.objects.filter(**{pk: getattr(row, pk)}).update(name=zh, name_en=en)
            if sep:
                joined[row.name] = zh
    # Messages already sent quote the names as they were.
    notification = apps.get_model("property_service", "Notification")
    for old, zh in joined.items():
        for message in notification.objects.filter(message__contains=old):
            notification.objects.filter(pk=message.pk).update(
                message=message.message.replace(old, zh))


def chinese_day_names(apps, schema_editor):
    # Calendar days were named "元旦 / New Year's Day": the notice's (Chinese) name is kept.
    day_model = apps.get_model("property_service", "CalendarDay")
    for day in day_model.objects.filter(name__contains=" / "):
        zh = day.name.partition(" / ")[0].strip()
        if zh:
            day_model.objects.filter(pk=day.pk).update(name=zh)


def join_names(apps, schema_editor):
    model = apps.get_model("property_service", "WorkOrderCategory")
    for row in model.objects.exclude(name_en=""):
        model.objects.filter(pk=row.pk).update(name=f"{row.name} / {row.name_en}"[:50])


class Migration(migrations.Migration):

    dependencies = [
        ('property_service', '0016_field_work'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='numbersequence',
            options={'verbose_name': 'number sequence', 'verbose_name_plural': 'number sequences'},
        ),
        migrations.AddField(
            model_name='historicalteam',
            name='name_en',
            field=models.CharField(blank=True, max_length=50, verbose_name='name (English)'),
        ),
        migrations.AddField(
            model_name='historicalworkordercategory',
            name='name_en',
            field=models.CharField(blank=True, max_length=50, verbose_name='name (English)'),
        ),
        migrations.AddField(
            model_name='team',
            name='name_en',
            field=models.CharField(blank=True, max_length=50, verbose_name='name (English)'),
        ),
        migrations.AddField(
            model_name='workordercategory',
            name='name_en',
            field=models.CharField(blank=True, max_length=50, verbose_name='name (English)'),
        ),
        migrations.AlterField(
            model_name='historicalteam',
            name='name',
            field=models.CharField(max_length=50, verbose_name='name (Chinese)'),
        ),
        migrations.AlterField(
            model_name='historicalworkordercategory',
            name='name',
            field=models.CharField(max_length=50, verbose_name='name (Chinese)'),
        ),
        migrations.AlterField(
            model_name='team',
            name='name',
            field=models.CharField(max_length=50, verbose_name='name (Chinese)'),
        ),
        migrations.AlterField(
            model_name='workordercategory',
            name='name',
            field=models.CharField(max_length=50, verbose_name='name (Chinese)'),
        ),
        migrations.AlterField(
            model_name='historicalincident',
            name='reported_at',
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name='occurred at'),
        ),
        migrations.AlterField(
            model_name='incident',
            name='reported_at',
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name='occurred at'),
        ),
        migrations.RunPython(split_names, join_names),
        migrations.RunPython(chinese_day_names, migrations.RunPython.noop),
    ]
