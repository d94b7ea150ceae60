"""Django discovers models here; they live in their domain packages."""

from .access.models import StaffProfile
from .activities.models import Activity, ActivityEvent, ActivityFeedback, ActivitySignup
from .api.models import ApiToken
from .calls.models import CallDesk
from .complaints.models import (
    Complaint,
    ComplaintAttachment,
    ComplaintEvent,
    ComplaintRound,
    ComplaintStandard,
)
from .contracts.models import Contract
from .core.models import (
    CalendarDay,
    CalendarYear,
    EscalationStep,
    JobRun,
    Notification,
    NumberSequence,
    PersonalDataAccess,
    WorkingCalendar,
)
from .enquiries.models import Enquiry, EnquiryEvent, EnquiryStandard
from .incidents.models import (
    Incident,
    IncidentAttachment,
    IncidentChecklistItem,
    IncidentEvent,
    IncidentTimelineEntry,
    PlaybookStep,
)
from .insurance.models import Claim, InsurancePolicy
from .notices.models import Notice, NoticeEvent, NoticeRead
from .portal.models import Invitation, ResidentAccount
from .registry.models import (
    Building,
    Community,
    Occupancy,
    ParkingSpace,
    Resident,
    Unit,
    Vehicle,
)
from .renewals.models import AgreementDocument, AgreementEvent
from .reports.models import ManagementReport, ManagementReportEvent
from .seasonal.models import (
    GreetingTemplate,
    ScheduledNotice,
    ScheduledNoticeEvent,
    SeasonalReminder,
)
from .specialservices.models import SpecialService, SpecialServiceEvent, SpecialServiceOrder
from .surveys.models import (
    Question,
    Questionnaire,
    QuestionOption,
    Survey,
    SurveyAnswer,
    SurveyEvent,
    SurveyRecipient,
    SurveyResponse,
)
from .visits.models import Visit, VisitEvent
from .workorders.models import (
    FollowUp,
    SlaPause,
    SlaPolicy,
    Team,
    TeamMember,
    WorkOrder,
    WorkOrderCategory,
    WorkOrderEvent,
    WorkOrderPart,
    WorkOrderPhoto,
)

__all__ = [
    "Activity",
    "ActivityEvent",
    "ActivityFeedback",
    "ActivitySignup",
    "ApiToken",
    "CallDesk",
    "AgreementDocument",
    "AgreementEvent",
    "Claim",
    "Contract",
    "InsurancePolicy",
    "Complaint",
    "ComplaintAttachment",
    "ComplaintEvent",
    "ComplaintRound",
    "ComplaintStandard",
    "CalendarDay",
    "CalendarYear",
    "EscalationStep",
    "Enquiry",
    "EnquiryEvent",
    "EnquiryStandard",
    "FollowUp",
    "Invitation",
    "Incident",
    "ManagementReport",
    "ManagementReportEvent",
    "IncidentAttachment",
    "IncidentChecklistItem",
    "IncidentEvent",
    "IncidentTimelineEntry",
    "Notice",
    "NoticeEvent",
    "NoticeRead",
    "PlaybookStep",
    "JobRun",
    "Notification",
    "NumberSequence",
    "SlaPause",
    "SlaPolicy",
    "Team",
    "TeamMember",
    "WorkOrder",
    "WorkOrderCategory",
    "WorkOrderEvent",
    "WorkOrderPart",
    "WorkOrderPhoto",
    "WorkingCalendar",
    "Building",
    "Community",
    "Occupancy",
    "ParkingSpace",
    "PersonalDataAccess",
    "Resident",
    "ResidentAccount",
    "SpecialService",
    "SpecialServiceEvent",
    "SpecialServiceOrder",
    "StaffProfile",
    "Unit",
    "Vehicle",
    "Question",
    "Questionnaire",
    "QuestionOption",
    "Survey",
    "SurveyAnswer",
    "SurveyEvent",
    "SurveyRecipient",
    "SurveyResponse",
    "Visit",
    "VisitEvent",
    "GreetingTemplate",
    "ScheduledNotice",
    "ScheduledNoticeEvent",
    "SeasonalReminder",
]
