"""Agencies found by name, former names, region or level: a page costs three queries."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from bureaus.models import Agency
from disclosure.models import Disclosure

FIELDS = ("name", "former_names", "region", "level")


def agency_matches(terms: list[str]) -> QuerySet:
    """Every word matches one of the fields (on PostgreSQL through the GIN trigram index)."""
    agencies = Agency.objects.all()
    for term in terms:
        match = Q()
        for name in FIELDS:
            match |= Q(**{f"{name}__icontains": term})
        agencies = agencies.filter(match)
    return agencies.order_by("region", "name", "pk")


@dataclass
class AgencyHit:
    agency: Agency
    years: list[int]  # its published years, newest first
    former_matches: list[str]  # the former names that matched, shown since the name may not


def agency_hits(agencies: list[Agency], terms: list[str]) -> list[AgencyHit]:
    """The page's agencies with their published years: one query for the page."""
    years: dict[int, list[int]] = {a.pk: [] for a in agencies}
    published = (
        Disclosure.objects.current()
        .finals()
        .filter(agency__in=agencies)
        .order_by("-fiscal_year__year")
        .values_list("agency_id", "fiscal_year__year")
    )
    for agency_id, year in published:
        years[agency_id].append(year)
    hits = []
    for agency in agencies:
        former = [n for n in agency.former_name_list if any(t.upper() in n.upper() for t in terms)]
        hits.append(AgencyHit(agency, years[agency.pk], former))
    return hits
