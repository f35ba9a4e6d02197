"""Reference data: the 12 commitments, the national measure set and three starter theories.

The starter change theories (ward, organisation, risk) are published as editable starting
points: programme admins open a new draft version from them and publish their own.
Chart type: Making Data Count uses XmR charts for every measure by default (they suit rates and
percentages from one ward well because the limits come from the data's own variation), so every
national measure starts as "xmr"; a ward or admin can still choose p or u charts per measure.
"""

from django.db import migrations
from django.utils import timezone

# (code, text, commitments, [(secondary code, text, commitments, [(idea code, text, commitments)])])
WARD_AIM = (
    "ward-aim",
    "Wards where patients and staff feel safe, restrictive practice falls and people with lived "
    "experience shape care",
)
WARD_PRIMARY = [
    (
        "ward-p-lived-experience",
        "Lived experience leads and shapes the ward",
        [1, 7, 8],
        [
            (
                "ward-s-coproduction",
                "Patients and carers co-produce ward decisions",
                [1, 8],
                [
                    (
                        "ward-c-community-meeting",
                        "a daily community meeting chaired by a patient",
                        [1, 8],
                    ),
                    ("ward-c-peer-worker", "a peer support worker on every shift pattern", [1]),
                ],
            ),
            (
                "ward-s-own-understanding",
                "Care plans start from the person's own account",
                [7, 8],
                [
                    ("ward-c-my-plan", "care plans written in the person's own words", [7, 8]),
                    ("ward-c-carer-call", "a weekly call with carers the person chooses", [3, 8]),
                ],
            ),
        ],
    ),
    (
        "ward-p-relationships",
        "Safe, trusting relationships between patients and staff",
        [2, 3, 12],
        [
            (
                "ward-s-consistent-staff",
                "Consistent staff whom patients know",
                [3],
                [
                    ("ward-c-named-nurse", "a named nurse who meets the person every shift", [3]),
                    (
                        "ward-c-welcome",
                        "a welcome conversation within an hour of admission",
                        [2, 3],
                    ),
                ],
            ),
            (
                "ward-s-open-conversations",
                "Open, honest conversations, including after incidents",
                [12],
                [
                    (
                        "ward-c-debrief",
                        "a debrief offered to the patient after every restraint",
                        [6, 12],
                    ),
                ],
            ),
        ],
    ),
    (
        "ward-p-staff-support",
        "Staff supported to stay alongside distress",
        [4],
        [
            (
                "ward-s-reflective-practice",
                "Regular reflective practice and supervision",
                [4],
                [
                    ("ward-c-reflective-group", "a weekly reflective practice group", [4]),
                    ("ward-c-safety-huddle", "a safety huddle at every handover", [2, 4]),
                ],
            ),
            (
                "ward-s-skills",
                "Skills in trauma-informed and autism-informed care",
                [4, 5, 6],
                [
                    (
                        "ward-c-trauma-training",
                        "trauma-informed care training co-delivered by experts by experience",
                        [1, 4, 6],
                    ),
                ],
            ),
        ],
    ),
    (
        "ward-p-therapeutic-day",
        "A therapeutic day in a dignified, sensory-aware environment",
        [9, 10, 11],
        [
            (
                "ward-s-activities",
                "Activities people asked for, every day",
                [10],
                [
                    (
                        "ward-c-activity-planner",
                        "an activity planner agreed with patients each week",
                        [8, 10],
                    ),
                    ("ward-c-evening-activities", "evening and weekend activities", [10]),
                ],
            ),
            (
                "ward-s-environment",
                "Calm, comfortable, sensory-aware spaces",
                [9],
                [
                    (
                        "ward-c-sensory-room",
                        "a sensory room patients can use when they choose",
                        [6, 9],
                    ),
                ],
            ),
            (
                "ward-s-therapy",
                "A choice of therapies, not just containment",
                [11],
                [
                    ("ward-c-therapy-menu", "a therapy menu offered on admission", [8, 11]),
                ],
            ),
        ],
    ),
    (
        "ward-p-least-restrictive",
        "Least restrictive, equitable practice",
        [5, 6],
        [
            (
                "ward-s-prevention",
                "Distress noticed and eased early",
                [2, 6],
                [
                    (
                        "ward-c-safety-plan",
                        "personal calming plans agreed with each person",
                        [6, 7],
                    ),
                    ("ward-c-safewards", "Safewards interventions chosen by the team", [2, 6]),
                ],
            ),
            (
                "ward-s-equity",
                "Use of force is reviewed for fairness",
                [5],
                [
                    (
                        "ward-c-equity-review",
                        "a monthly review of restrictive practice by ethnicity, autism and sex",
                        [5, 6],
                    ),
                ],
            ),
        ],
    ),
]

ORG_AIM = (
    "org-aim",
    "Remove what makes ward teams' improvement work harder, so every ward can sustain a culture "
    "of care",
)
ORG_PRIMARY = [
    (
        "org-p-staffing",
        "Rostering and staffing that keep relationships consistent",
        [3, 4],
        [
            (
                "org-s-rostering",
                "Rosters that keep regular staff on their ward",
                [3],
                [("org-c-roster-rules", "roster rules that limit moves between wards", [3, 4])],
            ),
        ],
    ),
    (
        "org-p-estates",
        "Estates that make wards dignified and calm",
        [9],
        [
            (
                "org-s-estates-requests",
                "Ward estates requests dealt with quickly",
                [9],
                [("org-c-fast-track", "a fast-track route for ward environment requests", [9])],
            ),
        ],
    ),
    (
        "org-p-policies",
        "Policies that support least restrictive practice",
        [6, 8],
        [
            (
                "org-s-blanket-restrictions",
                "Blanket restrictions removed",
                [6, 8],
                [
                    (
                        "org-c-restriction-review",
                        "a review of every blanket restriction with patients",
                        [1, 6, 8],
                    )
                ],
            ),
        ],
    ),
    (
        "org-p-data",
        "Data that helps wards learn",
        [5, 12],
        [
            (
                "org-s-data-flow",
                "Ward measures available each month without extra work",
                [12],
                [
                    (
                        "org-c-automatic-extract",
                        "an automatic monthly extract of ward measures",
                        [12],
                    )
                ],
            ),
            (
                "org-s-equity-data",
                "Equity visible in the data",
                [5],
                [
                    (
                        "org-c-equity-dashboard",
                        "a board report of restrictive practice by ethnicity",
                        [5],
                    )
                ],
            ),
        ],
    ),
    (
        "org-p-voice",
        "Lived-experience voice in organisational decisions",
        [1],
        [
            (
                "org-s-paid-roles",
                "Paid lived-experience roles in governance",
                [1],
                [("org-c-le-lead", "a lived-experience lead on the improvement board", [1])],
            ),
        ],
    ),
]

RISK_AIM = (
    "risk-aim",
    "Move from predicting risk to a personalised approach to safety: assessment, formulation and "
    "a collaborative safety plan for every person",
)
RISK_EXTRA = {
    "no_prediction": [("risk-c-remove-scores", "removing risk scores from record templates", [6])],
    "safety_assessment": [
        ("risk-c-conversation-guide", "a conversation guide for safety assessment", [3, 7])
    ],
    "formulation": [
        (
            "risk-c-formulation-template",
            "a narrative formulation template written with the person",
            [7, 8],
        )
    ],
    "safety_planning": [
        ("risk-c-shared-plan", "sharing the safety plan with carers, with consent", [3, 8])
    ],
    "workforce": [
        ("risk-c-le-training", "training co-delivered by people with lived experience", [1, 4])
    ],
}
RISK_COMMITMENTS = {
    "no_prediction": [6, 7],
    "safety_assessment": [2, 3, 7],
    "formulation": [7, 8],
    "safety_planning": [3, 8],
    "equity_adjustments": [5],
    "workforce": [4],
    "systems": [6],
    "governance": [12],
}


def _build(apps, *, level, title, description, aim, primaries):
    ChangeTheory = apps.get_model("improvement", "ChangeTheory")
    DriverNode = apps.get_model("improvement", "DriverNode")
    Commitment = apps.get_model("improvement", "Commitment")
    commitments = {c.number: c for c in Commitment.objects.all()}
    theory = ChangeTheory.objects.create(
        level=level,
        version=1,
        title=title,
        description=description,
        status="published",
        is_starting_point=True,
        published_at=timezone.now(),
    )
    order = 0

    def node(kind, code, text, numbers, description=""):
        nonlocal order
        order += 1
        obj = DriverNode.objects.create(
            theory=theory, kind=kind, code=code, text=text, description=description, order=order
        )
        if numbers:
            obj.commitments.set([commitments[n] for n in numbers])
        return obj

    aim_node = node("aim", aim[0], aim[1], [])
    for p_code, p_text, p_numbers, secondaries, *rest in primaries:
        primary = node("primary", p_code, p_text, p_numbers, rest[0] if rest else "")
        aim_node.children.add(primary)
        for s_code, s_text, s_numbers, ideas in secondaries:
            secondary = node("secondary", s_code, s_text, s_numbers)
            primary.children.add(secondary)
            for c_code, c_text, c_numbers in ideas:
                secondary.children.add(node("change_idea", c_code, c_text, c_numbers))
    return theory


def load(apps, schema_editor):
    from culture_of_care.reference import rows

    Commitment = apps.get_model("improvement", "Commitment")
    for row in rows("commitments"):
        Commitment.objects.update_or_create(
            number=int(row["number"]),
            defaults={
                "short_label": row["short_label"],
                "commitment": row["commitment"],
                "meaning": row["meaning"],
            },
        )

    Measure = apps.get_model("improvement", "Measure")
    for index, row in enumerate(rows("national_measures"), start=1):
        Measure.objects.update_or_create(
            code=row["code"],
            organisation=None,
            defaults={
                "name": row["name"],
                "type": row["type"],
                "kind": row["kind"],
                "numerator_label": row["numerator"],
                "denominator_label": row["denominator"],
                "multiplier": row["multiplier"] or 1,
                "improvement": row["improvement"],
                "frequency": row["frequency"],
                "disaggregated": row["disaggregated"].strip().lower() == "yes",
                "definition": row["definition"],
                "uses_bed_days": row["denominator"].strip().lower() == "occupied bed days",
                "chart_type": "xmr",
                "order": index,
            },
        )

    ChangeTheory = apps.get_model("improvement", "ChangeTheory")
    if ChangeTheory.objects.exists():
        return
    starter = " A starting point: programme admins can edit it as a new version."
    _build(
        apps,
        level="ward",
        title="Ward change theory: a culture of care",
        description="The national ward driver diagram, built on the 12 core commitments." + starter,
        aim=WARD_AIM,
        primaries=WARD_PRIMARY,
    )
    _build(
        apps,
        level="organisation",
        title="Middle-tier change theory: clearing the way for wards",
        description="What organisations change so their wards' improvement work is easier."
        + starter,
        aim=ORG_AIM,
        primaries=ORG_PRIMARY,
    )
    risk_primaries = []
    for row in rows("risk_domains"):
        code = row["code"]
        ideas = RISK_EXTRA.get(code, [])
        secondaries = []
        if ideas:
            secondaries = [
                (
                    f"risk-s-{code.replace('_', '-')}",
                    row["what good looks like"],
                    RISK_COMMITMENTS.get(code, []),
                    ideas,
                )
            ]
        risk_primaries.append(
            (
                code,
                row["name"],
                RISK_COMMITMENTS.get(code, []),
                secondaries,
                row["what good looks like"],
            )
        )
    _build(
        apps,
        level="risk",
        title="Risk change theory: a personalised approach to safety",
        description="Built on the NCISH risk domains; each primary driver is one domain." + starter,
        aim=RISK_AIM,
        primaries=risk_primaries,
    )


class Migration(migrations.Migration):
    dependencies = [("improvement", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
