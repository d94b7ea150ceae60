"""Django discovers models here; they live in their domain packages."""

from .access.models import StaffProfile
from .complaints.models import (
    Complaint,
    ComplaintAttachment,
    ComplaintEvent,
    ComplaintStandard,
)
from .core.models import (
    CalendarDay,
    EscalationStep,
    Notification,
    NumberSequence,
    PersonalDataAccess,
    WorkingCalendar,
)
from .incidents.models import (
    Incident,
    IncidentAttachment,
    IncidentChecklistItem,
    IncidentEvent,
    IncidentTimelineEntry,
    PlaybookStep,
)
from .notices.models import Notice, NoticeEvent
from .registry.models import (
    Building,
    Community,
    Occupancy,
    ParkingSpace,
    Resident,
    Unit,
    Vehicle,
)
from .workorders.models import (
    FollowUp,
    SlaPause,
    SlaPolicy,
    Team,
    TeamMember,
    WorkOrder,
    WorkOrderCategory,
    WorkOrderEvent,
    WorkOrderPhoto,
)

__all__ = [
    "Complaint",
    "ComplaintAttachment",
    "ComplaintEvent",
    "ComplaintStandard",
    "CalendarDay",
    "EscalationStep",
    "FollowUp",
    "Incident",
    "IncidentAttachment",
    "IncidentChecklistItem",
    "IncidentEvent",
    "IncidentTimelineEntry",
    "Notice",
    "NoticeEvent",
    "PlaybookStep",
    "Notification",
    "NumberSequence",
    "SlaPause",
    "SlaPolicy",
    "Team",
    "TeamMember",
    "WorkOrder",
    "WorkOrderCategory",
    "WorkOrderEvent",
    "WorkOrderPhoto",
    "WorkingCalendar",
    "Building",
    "Community",
    "Occupancy",
    "ParkingSpace",
    "PersonalDataAccess",
    "Resident",
    "StaffProfile",
    "Unit",
    "Vehicle",
]
