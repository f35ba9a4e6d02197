"""Foundation demo data: organisations, wards and the people of every role."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.hashers import make_password

from culture_of_care.accounts.models import RoleAssignment, User
from culture_of_care.accounts.roles import Role
from culture_of_care.demo import DEMO_DOMAIN, DEMO_PASSWORD, DEMO_TOTP_SECRET, DemoContext
from culture_of_care.reference import rows
from organisations.models import Organisation, ProviderType, Region
from wards.models import ServiceType, Ward, WardStatus

INDEPENDENT_NAMES = [
    "Meadowbank Healthcare (demo)",
    "Harbourlight Hospitals (demo)",
    "Oakridge Care Partnership (demo)",
    "Silverbirch Clinics (demo)",
    "Lanternfield Health (demo)",
    "Brookvale Hospitals (demo)",
    "Kestrel House Care (demo)",
    "Northwind Mental Health (demo)",
    "Fernlea Healthcare (demo)",
    "Clearwater Hospitals (demo)",
    "Stonebridge Care (demo)",
    "Hollybush Health (demo)",
    "Riverside Recovery (demo)",
    "Larkspur Hospitals (demo)",
    "Greyfriars Care (demo)",
    "Foxglove Healthcare (demo)",
    "Elmstead Clinics (demo)",
]
WARD_NAMES = [
    "Willow",
    "Cedar",
    "Rowan",
    "Hazel",
    "Aspen",
    "Juniper",
    "Maple",
    "Birch",
    "Linden",
    "Poppy",
    "Heather",
    "Bluebell",
    "Primrose",
    "Foxglove",
    "Lavender",
    "Thistle",
    "Iris",
    "Ash",
    "Elm",
    "Oak",
    "Holly",
    "Sycamore",
    "Chestnut",
    "Alder",
    "Laurel",
    "Magnolia",
]
# Roughly how often each bed type appears among the programme's wards.
SERVICE_WEIGHTS = {
    "10": 40,
    "11": 12,
    "12": 10,
    "13": 3,
    "14": 2,
    "15": 4,
    "17": 5,
    "19": 6,
    "20": 4,
    "22": 1,
    "24": 4,
    "23": 2,
    "25": 2,
    "34": 2,
    "30": 2,
    "27": 1,
}
FIRST = [
    "Amara",
    "Ben",
    "Chloe",
    "Dev",
    "Eilidh",
    "Femi",
    "Grace",
    "Hassan",
    "Isla",
    "Jamal",
    "Kiran",
    "Laura",
    "Marcus",
    "Nadia",
    "Owen",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Tariq",
    "Uma",
    "Victor",
    "Wen",
    "Yusuf",
    "Zara",
    "Aisha",
    "Callum",
    "Delroy",
    "Esther",
    "Gareth",
]
LAST = [
    "Adeyemi",
    "Brown",
    "Chen",
    "Davies",
    "Evans",
    "Francis",
    "Green",
    "Hussain",
    "Iqbal",
    "Johnson",
    "Khan",
    "Lewis",
    "Mensah",
    "Nowak",
    "Okafor",
    "Patel",
    "Quayle",
    "Roberts",
    "Singh",
    "Taylor",
    "Usman",
    "Vaughan",
    "Walker",
    "Xu",
    "Young",
    "Zhou",
    "Campbell",
]
EXEC_TITLES = [
    "Chief Executive",
    "Chief Nurse",
    "Medical Director",
    "Chief Operating Officer",
    "Director of Nursing",
    "Chair",
    "Non-executive Director",
    "Director of People",
]

PROGRAMME_START = date(2025, 4, 1)


class _People:
    """Builds users in bulk; only demo logins get a (slow to hash) password."""

    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng_for("people")
        self.counter = 0
        self.users: list[User] = []
        self.grants: list[tuple[User, str, int | None, int | None]] = []
        self.demo_hash = make_password(DEMO_PASSWORD)
        self.used_names: set[str] = set()

    def name(self) -> str:
        """A name nobody else in the demo has (two people with one name confuse every page)."""
        for attempt in range(200):
            first, last = self.rng.choice(FIRST), self.rng.choice(LAST)
            # Once plain first-and-last pairs run short, a middle initial tells people apart.
            middle = f" {chr(65 + self.rng.randrange(26))}." if attempt >= 20 else ""
            candidate = f"{first}{middle} {last}"
            if candidate not in self.used_names:
                break
        else:
            candidate = f"{first} {last} {self.counter}"
        self.used_names.add(candidate)
        return candidate

    def add(
        self,
        role: str,
        *,
        email: str | None = None,
        lived: bool = False,
        title: str = "",
        demo: bool = False,
    ) -> User:
        self.counter += 1
        user = User(
            email=email or f"person{self.counter:05d}@{DEMO_DOMAIN}",
            full_name=self.name(),
            lived_experience=lived,
            job_title=title,
            is_demo=True,
            password=self.demo_hash if demo else "!unusable",
        )
        self.users.append(user)
        self.ctx.people.setdefault(role, []).append(user)
        return user

    def grant(
        self, user: User, role: str, org_id: int | None = None, ward_id: int | None = None
    ) -> None:
        self.grants.append((user, role, org_id, ward_id))

    def save(self) -> None:
        User.objects.bulk_create(self.users, batch_size=500)
        by_email = dict(User.objects.filter(email__endswith=DEMO_DOMAIN).values_list("email", "id"))
        for user in self.users:
            user.id = by_email[user.email]
        RoleAssignment.objects.bulk_create(
            [
                RoleAssignment(
                    user_id=u.id, role=r, organisation_id=o, ward_id=w, starts_on=PROGRAMME_START
                )
                for u, r, o, w in self.grants
            ],
            batch_size=1000,
        )


def seed_foundation(ctx: DemoContext) -> None:
    rng = ctx.rng_for("foundation")
    regions = [code for code, _ in Region.choices]

    # Organisations: the listed trusts, then fictional independent providers; scale multiplies.
    orgs: list[Organisation] = []
    trusts = rows("demo_organisations")
    for copy in range(ctx.scale):
        for row in trusts:
            code = row["ods_code"] if copy == 0 else f"{row['ods_code']}{copy:02d}"[:5]
            name = row["name"] if copy == 0 else f"{row['name']} (copy {copy + 1})"
            orgs.append(
                Organisation(
                    ods_code=code,
                    name=name,
                    region=row["region"],
                    provider_type=row["provider_type"],
                    joined_on=PROGRAMME_START,
                )
            )
        for i, name in enumerate(INDEPENDENT_NAMES):
            suffix = f" {copy + 1}" if copy else ""
            orgs.append(
                Organisation(
                    ods_code=f"DX{copy:01d}{i:02d}",
                    name=f"{name}{suffix}",
                    region=regions[i % len(regions)],
                    provider_type=ProviderType.INDEPENDENT,
                    joined_on=PROGRAMME_START,
                )
            )
    Organisation.objects.bulk_create(orgs)
    orgs = list(Organisation.objects.order_by("id"))
    ctx.organisations = orgs

    # Wards: 3 or 4 per organisation (about 220 at scale 1), realistic bed types and sizes.
    service_types = {s.code: s for s in ServiceType.objects.all()}
    codes = [c for c in SERVICE_WEIGHTS if c in service_types]
    weights = [SERVICE_WEIGHTS[c] for c in codes]
    wards: list[Ward] = []
    for index, org in enumerate(orgs):
        count = 4 if index % 3 != 2 else 3
        if org.provider_type == ProviderType.INDEPENDENT:
            count = 3 if index % 2 else 2
        names = rng.sample(WARD_NAMES, count)
        for n, ward_name in enumerate(names):
            stype = service_types[rng.choices(codes, weights)[0]]
            start = PROGRAMME_START + timedelta(days=30 * rng.randint(0, 5))
            status = WardStatus.ACTIVE
            if rng.random() < 0.04:
                status = WardStatus.WITHDRAWN
            elif start > ctx.today:
                status = WardStatus.ONBOARDING
            wards.append(
                Ward(
                    organisation=org,
                    code=f"W{n + 1:02d}",
                    name=f"{ward_name} Ward",
                    service_type=stype,
                    beds=rng.randint(stype.typical_beds_min, stype.typical_beds_max),
                    coaching_start=start,
                    coaching_end=Ward.default_coaching_end(start),
                    status=status,
                )
            )
    # Top up to about 220 wards at scale 1 with a second site's wards in larger trusts.
    target = 220 * ctx.scale
    extra = 0
    while len(wards) < target:
        org = orgs[extra % len(orgs)]
        stype = service_types["10"]
        start = PROGRAMME_START + timedelta(days=60)
        wards.append(
            Ward(
                organisation=org,
                code=f"S{extra + 1:03d}",
                name=f"{WARD_NAMES[extra % len(WARD_NAMES)]} House",
                service_type=stype,
                beds=rng.randint(16, 22),
                coaching_start=start,
                coaching_end=Ward.default_coaching_end(start),
            )
        )
        extra += 1
    Ward.objects.bulk_create(wards, batch_size=500)
    wards = list(Ward.objects.select_related("organisation", "service_type").order_by("id"))
    ctx.wards = wards

    people = _People(ctx)

    def login(role: str, local: str, label: str, **kw) -> User:
        user = people.add(role, email=f"{local}@{DEMO_DOMAIN}", demo=True, **kw)
        ctx.logins.append((label, user.email, ""))
        return user

    admin = login(Role.PROGRAMME_ADMIN, "admin", "Programme admin")
    people.grant(admin, Role.PROGRAMME_ADMIN)
    lead = login(Role.PROGRAMME_LEAD, "lead", "Programme lead")
    people.grant(lead, Role.PROGRAMME_LEAD)
    for _ in range(2):
        person = people.add(Role.PROGRAMME_LEAD)
        people.grant(person, Role.PROGRAMME_LEAD)

    # QI coaches: about 11 wards each.
    coach_count = max(1, len(wards) // 11)
    coaches = [login(Role.QI_COACH, "coach", "QI coach")] + [
        people.add(Role.QI_COACH, lived=(i % 4 == 0)) for i in range(coach_count - 1)
    ]

    # Leadership coaches: each organisation has one bringing lived experience and one
    # board-level coach; the lived-experience coaches are employed by the partner charities.
    le_coaches = [
        login(
            Role.LEADERSHIP_COACH,
            "leadership.coach",
            "Leadership coach (lived experience)",
            lived=True,
            title="Leadership coach, Neurodiverse Connection",
        )
    ]
    for i in range(max(1, len(orgs) // 8) - 1):
        employer = "Black Thrive Global" if i % 2 == 0 else "Neurodiverse Connection"
        le_coaches.append(
            people.add(Role.LEADERSHIP_COACH, lived=True, title=f"Leadership coach, {employer}")
        )
    board_coaches = [
        people.add(Role.LEADERSHIP_COACH, title="Board-level leadership coach")
        for _ in range(max(1, len(orgs) // 10))
    ]
    for i, org in enumerate(orgs):
        people.grant(le_coaches[i % len(le_coaches)], Role.LEADERSHIP_COACH, org.id)
        people.grant(board_coaches[i % len(board_coaches)], Role.LEADERSHIP_COACH, org.id)

    # NCISH advisers: year one close support for the first ten organisations.
    advisers = [
        login(Role.RISK_LEAD, "risk", "Risk lead (NCISH adviser)"),
        people.add(Role.RISK_LEAD),
    ]
    for i, org in enumerate(orgs[:10]):
        people.grant(advisers[i % 2], Role.RISK_LEAD, org.id)

    # Organisation leads (middle tier): one or two per organisation.
    for i, org in enumerate(orgs):
        lead_user = (
            login(Role.ORGANISATION_LEAD, "orglead", "Organisation lead")
            if i == 0
            else people.add(Role.ORGANISATION_LEAD, lived=(i % 7 == 0))
        )
        people.grant(lead_user, Role.ORGANISATION_LEAD, org.id)

    # Ward teams: three people a ward, one bringing lived experience; coaches named per ward.
    for i, ward in enumerate(wards):
        coach = coaches[min(i // 11, len(coaches) - 1)]
        ward.qi_coach = coach
        people.grant(coach, Role.QI_COACH, ward.organisation_id, ward.id)
        for member in range(3):
            user = (
                login(Role.WARD_MEMBER, "ward", "Ward team member")
                if i == 0 and member == 0
                else people.add(
                    Role.WARD_MEMBER,
                    lived=(member == 2),
                    title="Peer support worker" if member == 2 else "Nurse",
                )
            )
            people.grant(user, Role.WARD_MEMBER, ward.organisation_id, ward.id)

    # 103 executives (times the scale) across the organisations.
    exec_total = 103 * ctx.scale
    for i in range(exec_total):
        org = orgs[i % len(orgs)]
        title = EXEC_TITLES[(i // len(orgs)) % len(EXEC_TITLES)]
        user = (
            login(Role.EXECUTIVE, "executive", "Executive", title=title)
            if i == 0
            else people.add(Role.EXECUTIVE, title=title)
        )
        people.grant(user, Role.EXECUTIVE, org.id)

    people.save()
    Ward.objects.bulk_update(wards, ["qi_coach"], batch_size=500)

    # Programme admins and leads must use two-factor authentication: the demo ones share a
    # published secret so the demo can be tried (refused whenever DEBUG is off).
    from allauth.mfa.totp.internal.auth import TOTP

    for user in (admin, lead):
        TOTP.activate(user, DEMO_TOTP_SECRET)

    ctx.stats.update(
        organisations=len(orgs),
        wards=len(wards),
        people=len(people.users),
        executives=exec_total,
    )
