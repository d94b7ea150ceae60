# Notification kinds of the urgent order and the monthly report together.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('property_service', '0021_enquiries'),
    ]

    operations = [
        migrations.AlterField(
            model_name='notification',
            name='kind',
            field=models.CharField(choices=[('assigned', 'Assigned to you'), ('urgent_order', 'New urgent order'), ('sla_warning', 'Deadline approaching'), ('sla_breach', 'Deadline missed'), ('sla_escalated', 'Missed deadline escalated'), ('unclaimed', 'Nobody took the order'), ('followup_due', 'Follow-up call due'), ('repeat_report', 'Repeated report'), ('complaint_escalated', 'Complaint escalated'), ('renewal_due', 'Renewal due'), ('expired', 'Expired without renewal'), ('incident', 'Incident'), ('management_report', 'Monthly management report')], max_length=32, verbose_name='kind'),
        ),
    ]
