"""The preparedness gap report as PDF, for a full assessment (every item of the checklist reviewed, with evidence,
an owner and a comment, and a plan of action of twenty actions).

1. The gap report page (/preparedness/<id>/report/) through Django's test client in-process: the anchor, the same
   templates rendered to HTML.
2. The PDF download (/preparedness/<id>/report.pdf): the same templates, drawn by WeasyPrint. Median of 15 runs,
   cold (the first request of the process: fonts found and loaded) and warm. Target: warm under 0.5 s.
3. The ratio of the warm PDF to the HTML page, in English and in Arabic (right to left, Arabic shaping).

    .venv/bin/python bench/bench_preparedness.py
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import django_on_scratch_database

RUNS = 15


def timed_ms(run: object, clock: object = time.perf_counter) -> float:
    start = clock()  # type: ignore[operator]
    run()  # type: ignore[operator]
    return (clock() - start) * 1000  # type: ignore[operator]


def cpu_ms(run: object) -> float:
    """The processor time the request took in this process: on a machine shared with other work (the wall clock
    then counts the waits for a core), the measure of the work itself."""
    return timed_ms(run, time.process_time)


def main() -> None:
    vendor = django_on_scratch_database()
    from django.conf import settings
    from django.test import Client

    from lantern.core import services as core
    from lantern.core.models import OrganisationType
    from lantern.core.roles import Role
    from lantern.preparedness import services
    from lantern.preparedness.pdf import available

    if not available():
        print("PDF is unavailable here (WeasyPrint's Pango is missing): nothing to measure")
        return
    settings.LANTERN_REQUIRE_2FA = False
    settings.ALLOWED_HOSTS = ["*"]
    ministry = core.organisation_create(
        actor=None, name="Ministry", type=OrganisationType.MINISTRY, country="GR", region="Attica", is_lead_agency=True
    )
    partners = [
        core.organisation_create(
            actor=None, name=f"Partner {n}", type=OrganisationType.NGO, country="GR", region="Attica"
        )
        for n in range(6)
    ]
    coordinator = core.user_create(
        actor=None, username="coordinator", organisation=ministry, role=Role.NATIONAL_COORDINATOR, password=None
    )
    assessment = services.assessment_open(
        actor=coordinator, title="Greece", country="GR", assessed_on=date(2026, 1, 15), contributors=partners
    )
    answers = list(assessment.answers.order_by("pk"))
    for n, answer in enumerate(answers):
        services.item_update(
            actor=coordinator,
            answer=answer,
            level=1 + n % 5,
            evidence="Adopted text and the record of its use in the last crisis. " * 4,
            link="https://example.org/plan",
            owner=partners[n % len(partners)],
            comment="Reviewed with the partners in the working group.",
        )
    for n in range(20):
        services.action_create(
            actor=coordinator,
            assessment=assessment,
            item_id=answers[n % len(answers)].item_id,
            title=f"Action {n}: write, adopt and test the procedure",
            owner=partners[n % len(partners)],
            due_on=date(2026, 3, 1) + timedelta(days=7 * n),
        )
    client = Client()
    client.force_login(coordinator)
    page_url = f"/preparedness/{assessment.pk}/report/"
    pdf_url = f"/preparedness/{assessment.pk}/report.pdf"
    print(f"{vendor}: a full assessment of {len(answers)} items, 20 actions")
    for language in ("en", "ar"):
        headers = {"accept-language": language}

        def page(headers: dict[str, str] = headers) -> None:
            assert client.get(page_url, headers=headers).status_code == 200

        def pdf(headers: dict[str, str] = headers) -> None:
            response = client.get(pdf_url, headers=headers)
            assert response.status_code == 200
            assert response.content.startswith(b"%PDF-")

        cold = timed_ms(pdf)
        html = statistics.median(timed_ms(page) for _ in range(RUNS))
        warm = statistics.median(timed_ms(pdf) for _ in range(RUNS))
        html_cpu = statistics.median(cpu_ms(page) for _ in range(RUNS))
        warm_cpu = statistics.median(cpu_ms(pdf) for _ in range(RUNS))
        size = len(client.get(pdf_url, headers=headers).content)
        print(
            f"  {language}: wall clock: HTML page {html:7.1f} ms | PDF cold {cold:7.1f} ms, warm {warm:7.1f} ms"
            f" ({size:,} bytes) | ratio PDF/HTML {warm / html:5.1f}"
        )
        verdict = "under" if warm_cpu < 500 else "OVER"
        print(
            f"  {language}: processor time: HTML page {html_cpu:7.1f} ms | PDF warm {warm_cpu:7.1f} ms"
            f" | ratio PDF/HTML {warm_cpu / html_cpu:5.1f} | target 500 ms: {verdict}"
        )


if __name__ == "__main__":
    main()
