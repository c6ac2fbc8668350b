"""Commands answering a person's questions from a profile file: recommend, gaps, pathway, course-links."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..messages import t
from ..problems import ReferentialError, format_problems
from .common import RefsOption, _bundle, _fail, _print_json, app

# -- analysis ------------------------------------------------------------------------------------------------
AsOf = Annotated[Optional[str], typer.Option("--as-of", help="Date the rules are applied at (YYYY-MM-DD).")]
TargetOpt = Annotated[Optional[str], typer.Option("--target", "-t", help="Target id (rae:/rsfp:/rncp:/rome:) or a target-profile YAML file.")]


def _profile(path: Path, bundle):
    """The profile file, checked against the referentials as the record's import checks it (same refusals)."""
    from ..analysis.profile import load_profile

    try:
        return load_profile(path, scales=bundle)
    except ReferentialError as exc:
        _fail(format_problems(exc.problems))


def _date(value: str | None):
    import datetime as dt

    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        _fail(f"invalid date '{value}': use YYYY-MM-DD")


def _target(bundle, value: str | None, profile=None):
    from ..analysis.profile import load_target_profile
    from ..analysis.targets import TargetError, resolve_target

    spec = value if value is not None else (profile.target if profile is not None else None)
    if spec is None:
        _fail("no target: give --target or a 'target' in the profile")
    if isinstance(spec, str) and (spec.endswith((".yaml", ".yml")) or Path(spec).is_file()):
        try:
            spec = load_target_profile(spec)
        except ReferentialError as exc:
            _fail(format_problems(exc.problems))
    try:
        return resolve_target(bundle, spec)
    except TargetError as exc:
        _fail(str(exc))


@app.command()
def recommend(
    profile_path: Annotated[Path, typer.Argument(metavar="PROFILE.yaml")],
    as_of: AsOf = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    referentials: RefsOption = None,
) -> None:
    """Rank the recognition modalities for a person, with reasons, what is missing and sources."""
    from ..analysis.recommend import recommend_modalities

    bundle = _bundle(referentials)
    recs = recommend_modalities(bundle, _profile(profile_path, bundle), _date(as_of))
    if as_json:
        _print_json([{k: r.to_dict()[k] for k in ("modality", "eligible", "score", "reasons", "missing", "sources",
                                                  "variant", "eligible_from", "value", "tier", "goal_fit",
                                                  "provenance", "duration_source")}
                     for r in recs])
        return
    for rank, rec in enumerate(recs, 1):
        flag = t("cli.yes" if rec.eligible else "cli.no")
        variant = f" — {rec.variant_label}" if rec.variant_label else ""
        typer.echo(t("cli.recommend.line", rank=rank, label=rec.label, modality=rec.modality, variant=variant, eligible=flag,
                     score=f"{rec.score:.2f}"))
        for reason in rec.reasons:
            typer.echo(f"     + {reason}")
        for missing in rec.missing:
            typer.echo(f"     - {missing}")
        for note in rec.provenance:
            typer.echo(f"     ! {note}")


@app.command()
def gaps(
    profile_path: Annotated[Path, typer.Argument(metavar="PROFILE.yaml")],
    target: TargetOpt = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    referentials: RefsOption = None,
) -> None:
    """Gaps to a target per item, per pole and overall, with bloc coverage for certifications."""
    from ..analysis.coverage import acquired_items, bloc_coverage
    from ..analysis.gaps import compute_gaps, gap_provenance

    bundle = _bundle(referentials)
    profile = _profile(profile_path, bundle)
    tgt = _target(bundle, target, profile)
    positions = profile.positions_by_item()
    report = compute_gaps(bundle, positions, tgt)
    acquired = acquired_items(bundle, positions)
    coverage = [{"bloc": c.bloc, "label": c.label, "share": round(c.share, 3), "covered": list(c.covered),
                 "total": c.total} for cert in tgt.certifications for c in bloc_coverage(bundle, acquired, cert)]
    provenance = gap_provenance(bundle, tgt)
    if as_json:
        _print_json({**report.to_dict(), "bloc_coverage": coverage, "provenance": provenance})
        return
    typer.echo(t("cli.gaps.target", label=tgt.label, id=tgt.id, met=report.met, total=report.total, gap=report.total_gap))
    for note in provenance:
        typer.echo(f"  ! {note}")
    for row in report.rows:
        shown = lambda v: "–" if v is None else str(v)  # noqa: E731
        mark = "" if row.confirmed else t("cli.gaps.unconfirmed")
        div = t("cli.gaps.divergence", divergence=f"{row.divergence:+d}") if row.divergence else ""
        typer.echo(t("cli.gaps.row", item=f"{row.item:32}", own=shown(row.self_level), co=shown(row.co_level),
                     retained=row.retained, mark=mark, required=row.required, gap=row.gap, divergence=div))
    for cov in coverage:
        typer.echo(t("cli.gaps.bloc", bloc=cov["bloc"], percent=round(cov["share"] * 100)))


@app.command()
def pathway(
    profile_path: Annotated[Path, typer.Argument(metavar="PROFILE.yaml")],
    target: TargetOpt = None,
    as_of: AsOf = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    referentials: RefsOption = None,
) -> None:
    """The sequence of recognition steps to a target certification, with durations and blocs."""
    from ..analysis.pathway import plan_pathway
    from ..analysis.targets import TargetError

    bundle = _bundle(referentials)
    profile = _profile(profile_path, bundle)
    try:
        result = plan_pathway(bundle, profile, target, _date(as_of))
    except (TargetError, ValueError) as exc:
        _fail(str(exc))
    if as_json:
        _print_json(result.to_dict())
        return
    typer.echo(t("cli.pathway.target", label=result.target_label, id=result.target,
                 months=f"{result.total_months:g}"))
    for i, step in enumerate(result.steps, 1):
        blocs = t("cli.pathway.blocs", blocs=", ".join(step.blocs)) if step.blocs else ""
        source = "" if step.duration_source else t("cli.pathway.unsourced")
        typer.echo(t("cli.pathway.step", n=i, label=step.label, date=f"{step.eligible_from:%d/%m/%Y}",
                     months=f"{step.duration_months:g}", source=source, blocs=blocs))
        if step.note:
            typer.echo(f"       {step.note}")
    if result.note:
        typer.echo(f"  {result.note}")
    for note in result.provenance:
        typer.echo(f"  ! {note}")


@app.command("course-links")
def course_links(
    profiles_dir: Annotated[Path, typer.Argument(metavar="PROFILES_DIR")],
    target: TargetOpt = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    referentials: RefsOption = None,
) -> None:
    """Maillons de parcours for a group: competencies to raise circle by circle, situations, people, hours."""
    from ..analysis.course_links import design_course_links

    bundle = _bundle(referentials)
    files = sorted(p for p in Path(profiles_dir).glob("*.y*ml")) if Path(profiles_dir).is_dir() else [Path(profiles_dir)]
    if not files:
        _fail(f"no profile file in {profiles_dir}")
    profiles = [_profile(p, bundle) for p in files]
    tgt = _target(bundle, target, profiles[0] if target is None else None)
    links = design_course_links(bundle, profiles, tgt)
    if as_json:
        _print_json([link.to_dict() for link in links])
        return
    typer.echo(t("cli.links.target", label=tgt.label, id=tgt.id, count=len(profiles)))
    for link in links:
        where = "; ".join(s["label"] for s in link.situations) or t("cli.links.no_situation")
        typer.echo(t("cli.links.line", order=link.order, title=link.title, hours=link.hours, people=len(link.people),
                     where=where))


# -- storage --------------------------------------------------------------------------------------------------
