import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_order_community(apps, schema_editor):
    """Each follow-up call (and each of its history's rows) gets its order's community."""
    WorkOrder = apps.get_model("property_service", "WorkOrder")
    community = Subquery(
        WorkOrder.objects.filter(pk=OuterRef("work_order_id")).values("community_id")[:1])
    for name in ("FollowUp", "HistoricalFollowUp"):
        model = apps.get_model("property_service", name)
        model.objects.filter(community__isnull=True).update(community_id=community)


class Migration(migrations.Migration):

    dependencies = [
        ('property_service', '0030_community_filter_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='followup',
            name='community',
            field=models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='property_service.community', verbose_name='community'),
        ),
        migrations.AddField(
            model_name='historicalfollowup',
            name='community',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='property_service.community', verbose_name='community'),
        ),
        migrations.RunPython(copy_order_community, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name='followup',
            name='community',
            field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='property_service.community', verbose_name='community'),
        ),
        migrations.AddIndex(
            model_name='followup',
            index=models.Index(fields=['community', 'status', 'due_at'], name='followup_comm_status_due_idx'),
        ),
        migrations.AddIndex(
            model_name='followup',
            index=models.Index(fields=['community', 'status', 'overdue_at'], name='followup_comm_overdue_idx'),
        ),
    ]
