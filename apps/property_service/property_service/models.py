"""Django discovers models here; they live in their domain packages."""

from .access.models import StaffProfile
from .core.models import PersonalDataAccess
from .registry.models import (
    Building,
    Community,
    Occupancy,
    ParkingSpace,
    Resident,
    Unit,
    Vehicle,
)

__all__ = [
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
