"""The programme's roles (DESIGN.md section 2) and what each needs to be scoped to."""

from django.db import models


class Role(models.TextChoices):
    PROGRAMME_ADMIN = "programme_admin", "Programme admin"
    PROGRAMME_LEAD = "programme_lead", "Programme lead"
    QI_COACH = "qi_coach", "QI coach"
    LEADERSHIP_COACH = "leadership_coach", "Leadership coach"
    RISK_LEAD = "risk_lead", "Risk lead (NCISH adviser)"
    ORGANISATION_LEAD = "organisation_lead", "Organisation lead"
    WARD_MEMBER = "ward_member", "Ward team member"
    EXECUTIVE = "executive", "Executive"


# Roles that reach nothing unless tied to an organisation or a ward.
NEEDS_ORGANISATION = {Role.ORGANISATION_LEAD, Role.EXECUTIVE, Role.LEADERSHIP_COACH}
NEEDS_WARD = {Role.WARD_MEMBER}
# Roles that must use two-factor authentication before they reach any page.
NEEDS_MFA = {Role.PROGRAMME_ADMIN, Role.PROGRAMME_LEAD}
# Roles that see the whole programme.
PROGRAMME_WIDE = {Role.PROGRAMME_ADMIN, Role.PROGRAMME_LEAD}
