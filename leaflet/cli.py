"""Command-line arguments -> library calls; errors -> one line on stderr and an exit code.

Exit codes: 0 every ward built; 1 some ward failed (its text does not fit, a glyph is missing);
2 unusable input (a file or field to fix, named in the message); 130 interrupted (Ctrl-C), 143
stopped (SIGTERM).
"""

from __future__ import annotations

import argparse
import gc
import signal
import sys
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from leaflet.commands.invite import DEFAULT_URL
from leaflet.errors import InputError, LeafletError
from leaflet.runs.access import ROLES
from leaflet.runs.parallel import default_jobs
from leaflet.version import __version__

if TYPE_CHECKING:
    from leaflet.commands.build import BuildReport, WardResult
    from leaflet.commands.riso import RisoReport, RisoWardResult
    from leaflet.runs.bill import Bill, SpendingReport
    from leaflet.runs.not_for_print import MovedFile

# Each command's module is imported when that command runs: `leaflet build` never loads the
# proof pages, the Riso writer or the web server, a tenth of a second of every start.


def _ward_arguments(parser: argparse.ArgumentParser, verb: str, jobs: bool = True) -> None:
    """The arguments every command over a campaign's wards takes."""
    parser.add_argument("campaign", type=Path, metavar="CAMPAIGN_DIR", help="folder holding campaign.yaml")
    parser.add_argument("--wards", type=Path, metavar="CSV", help="wards spreadsheet (default: the campaign's)")
    parser.add_argument("--ward", action="append", metavar="CODE", help=f"{verb} only this ward (repeatable)")
    if jobs:
        parser.add_argument(
            "--jobs",
            "-j",
            type=int,
            default=default_jobs(),
            metavar="N",
            help="processes working in parallel (default: all cores, here %(default)s)",
        )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="leaflet",
        description="Print-ready A5 campaign leaflets, one PDF per electoral ward.",
        epilog="Example: leaflet build content/pcc-2021",
    )
    parser.add_argument("--version", action="version", version=f"leaflet {__version__}")
    parser.add_argument("--debug", action="store_true", help="show a traceback for errors (for bug reports)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build_parser = commands.add_parser(
        "build",
        help="write one print PDF per ward",
        description="Lay out and write one print-ready PDF (trim + bleed, CMYK, PDF/X-1a) per ward, and the "
        "print order (manifest.csv, manifest.json) with a row for every ward of the spreadsheet. PDFs the "
        "print order does not list are moved into not-for-print/. One build at a time per folder.",
    )
    _ward_arguments(build_parser, "build")
    build_parser.add_argument(
        "--for",
        dest="output",
        choices=("press", "riso"),
        default="press",
        help="press: PDF/X-1a files for a commercial printer (default); riso: greyscale masters per drum, "
        "A5 2-up on A4, for the office's Riso, and a composite PNG per ward",
    )
    build_parser.add_argument(
        "--out", type=Path, metavar="DIR", help="output folder (default: out/<campaign>, or out/<campaign>/riso)"
    )
    build_parser.add_argument(
        "--combined",
        action="store_true",
        help="also write one PDF with every ward's pages in order, shared parts stored once (not with --ward)",
    )
    build_parser.add_argument(
        "--combined-only",
        action="store_true",
        help="write the combined print file and the print order, no per-ward files (the job a printer runs)",
    )
    build_parser.add_argument(
        "--force",
        action="store_true",
        help="write print files even for wards with preflight errors (marked forced in the print order)",
    )
    signed = build_parser.add_mutually_exclusive_group()
    signed.add_argument(
        "--approved-only",
        action="store_true",
        help="build only wards whose sign-off still holds (leaflet approve), each exactly as signed "
        "(what a campaign with require_sign_off: true always does)",
    )
    signed.add_argument(
        "--unapproved",
        action="store_true",
        help="with require_sign_off: true, also print wards that are not signed off (said in the audit trail)",
    )
    build_parser.add_argument(
        "--marks",
        action="store_true",
        help="add crop marks and a slug (ward, name, page) outside the bleed (off: most printers add their own)",
    )
    build_parser.add_argument(
        "--over-limit",
        action="store_true",
        help="build even when the print bill is over the candidate's spending limit (refused otherwise)",
    )
    build_parser.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")

    check_parser = commands.add_parser(
        "check",
        help="preflight every ward: what a printer or an election agent would reject",
        description="Lay out, draw and read back every ward's leaflet and report what a printer or an "
        "election agent would reject: text that does not fit, missing glyphs, low-resolution photos, "
        "the safe area and bleed, a QR code that does not decode, the imprint, colour, fonts, ink. "
        "Exit 0 when there are no errors (no warnings either with --strict), 1 when there are, "
        "2 for unusable input.",
    )
    _ward_arguments(check_parser, "check")
    check_parser.add_argument("--json", action="store_true", help="print the findings as JSON (see README)")
    check_parser.add_argument("--strict", action="store_true", help="fail on warnings too")

    proof_parser = commands.add_parser(
        "proof",
        help="proof PDFs, page images and a review page for reviewers",
        description="Write per ward a proof PDF (watermarked, with trim, bleed and safe-area guides) and PNG "
        "pages, and DIR/index.html: a review page with a card per ward, its preflight findings and "
        "whether it changed since an earlier proof set (--since).",
    )
    _ward_arguments(proof_parser, "proof")
    proof_parser.add_argument("--out", type=Path, metavar="DIR", help="proof folder (default: out/<campaign>/proof)")
    proof_parser.add_argument(
        "--since", type=Path, metavar="DIR", help="an earlier proof folder: mark and show what changed"
    )
    proof_parser.add_argument("--frames", action="store_true", help="outline every frame and name it")
    proof_parser.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")

    approve_parser = commands.add_parser(
        "approve",
        help="sign off each ward's print file (the election agent's sign-off)",
        description="Sign off each (chosen) ward as it prints now: its print file is drawn as leaflet build draws "
        "it and fully preflighted (a ward with errors, or whose local version awaits review, is refused), and the "
        "SHA-256 of the file and of every input it is made from (layout, words, ward row with its approved local "
        "version, fonts, photos, press profile, leaflet version) is recorded with who and when in the campaign's "
        "local edits database. With require_sign_off: true in campaign.yaml (or --approved-only), leaflet build then "
        "prints only wards whose sign-off still holds, each exactly as signed.",
    )
    _ward_arguments(approve_parser, "sign off")
    approve_parser.add_argument("--by", required=True, metavar="NAME", help="who signs off")
    approve_parser.add_argument("--comment", default="", help="a note kept with the sign-off")

    audit_parser = commands.add_parser(
        "audit",
        help="write the audit trail (edits, reviews, sign-offs, builds) as CSV",
        description="Write every event of the campaign's review, oldest first (who, when, what, and the SHA-256 of "
        "the local version, the inputs and the print file it concerned) as CSV for the agent's records.",
    )
    audit_parser.add_argument("campaign", type=Path, metavar="CAMPAIGN_DIR", help="folder holding campaign.yaml")
    audit_parser.add_argument("--out", type=Path, required=True, metavar="CSV", help="the file to write")

    serve_parser = commands.add_parser(
        "serve",
        help="the web app where ward organisers make their local version and reviewers approve it",
        description="Serve the organisers' and reviewers' pages for a campaign: each organiser edits what "
        "campaign.yaml's local: section opens, sees the real print file as they type, and submits it; a "
        "reviewer approves it, and leaflet build prints what was approved. Binds to this machine only unless "
        "--host says otherwise; put an HTTPS reverse proxy in front of it for organisers elsewhere.",
    )
    serve_parser.add_argument("campaign", type=Path, metavar="CAMPAIGN_DIR", help="folder holding campaign.yaml")
    serve_parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    serve_parser.add_argument("--port", type=int, default=8000, help="port to listen on (default: %(default)s)")
    serve_parser.add_argument(
        "--workers", type=int, default=1, metavar="N", help="server processes (default: 1; one per core for many)"
    )

    invite_parser = commands.add_parser(
        "invite",
        help="print a personal link for a ward's organiser or a reviewer (leaflet serve)",
        description="Make a personal link to leaflet serve: a capability for one ward and one role, used once "
        "to sign a browser in. --all --out FILE writes one per ward as CSV for a mail merge; --revoke ends a "
        "ward's links and sessions.",
    )
    invite_parser.add_argument("campaign", type=Path, metavar="CAMPAIGN_DIR", help="folder holding campaign.yaml")
    invite_parser.add_argument("--ward", action="append", metavar="CODE", help="the ward (repeatable)")
    invite_parser.add_argument("--all", action="store_true", help="one link for every ward (with --out)")
    invite_parser.add_argument("--out", type=Path, metavar="CSV", help="with --all: the mail-merge file to write")
    invite_parser.add_argument(
        "--role",
        choices=list(ROLES),
        default=None,
        help="organiser (default: one ward), reviewer (comments, approves the words) or agent (signs off the "
        "print files)",
    )
    invite_parser.add_argument("--name", default="", help="who the link is for (shown in the history)")
    invite_parser.add_argument(
        "--url", default=DEFAULT_URL, help="the server's address as organisers reach it (default: %(default)s)"
    )
    invite_parser.add_argument("--revoke", action="store_true", help="revoke the ward's links instead")

    schema_parser = commands.add_parser(
        "schema",
        help="write JSON Schemas of the layout and campaign files, for editors",
        description="Write layout.schema.json, campaign.schema.json and campaign-language.schema.json. "
        "Name one at the top of a YAML file (# yaml-language-server: $schema=PATH) and editors complete "
        "and check it as you type.",
    )
    schema_parser.add_argument(
        "--out", type=Path, default=Path("schemas"), metavar="DIR", help="folder to write them in (default: schemas)"
    )
    return parser


def _progress(quiet: bool):
    if quiet or not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        sys.stderr.write(f"\r  {done}/{total} wards ({done * 100 // total}%)")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


def _check_jobs(jobs: int) -> None:
    if jobs < 1:
        raise InputError(None, "--jobs", f"must be 1 or more, got {jobs}")


def _check(args: argparse.Namespace) -> int:
    from leaflet.commands.check import check_campaign, findings_json, findings_table

    _check_jobs(args.jobs)
    report = check_campaign(args.campaign, args.wards, args.ward, args.jobs, _progress(args.json))
    print(findings_json(report) if args.json else findings_table(report.findings, len(report.wards)))
    return 1 if report.failing(args.strict) else 0


def _print_bill(bill: Bill | None, spending: SpendingReport | None, wards: int) -> None:
    from leaflet.runs.bill import pounds_text

    if bill:
        print(f"print bill: £{pounds_text(bill.total_pence)} for {wards} ward(s), from {bill.supplier}")
    if spending:
        limit = spending.limit
        if spending.per_ward:
            top = max(spending.elections, key=lambda s: s.share_percent)
            print(
                f"spending limits ({limit.name}, each ward its own): the print uses up to "
                f"{top.share_percent:.1f}%, in {top.where}"
            )
        else:
            (total,) = spending.elections
            print(
                f"spending limit £{pounds_text(total.limit_pence)} ({limit.name}): the print uses "
                f"{total.share_percent:.1f}%"
            )
    for warning in spending.warnings() if spending else []:
        print(f"warning: {warning}", file=sys.stderr)
    for over in spending.over() if spending else []:
        print(
            f"warning: {over.where}: the print bill is over the spending limit (built: --over-limit)", file=sys.stderr
        )


def _print_findings(report: BuildReport | RisoReport, quiet: bool) -> None:
    """What stops or holds up a build, then each ward's errors, then its warnings summed up."""
    from leaflet.commands.check import findings_table

    for code, reason in report.unapproved.items():
        print(f"not printed: ward {code}: {reason}", file=sys.stderr)
    for code, state in report.awaiting_review.items():
        print(
            f"awaiting review: ward {code}: its local version is {state}; the last approved words print",
            file=sys.stderr,
        )
    for result in report.results:
        forced = " (written anyway: --force)" if result.status == "forced" else ""
        for finding in result.errors:
            where = f", frame '{finding.frame}'" if finding.frame and finding.rule != "text-overflow" else ""
            print(
                f"error: ward {result.ward.code} ({result.ward.name}){where}: {finding.message}{forced}",
                file=sys.stderr,
            )
    warnings = [f for result in report.results for f in result.findings if f.severity == "warning"]
    if warnings and not quiet:
        print(findings_table(warnings, len(report.results)), file=sys.stderr)


def _print_moved_aside(out_dir: Path, moved_aside: Iterable[MovedFile]) -> None:
    for moved in moved_aside:  # a file leaving the print folder is never silent
        print(f"moved to {out_dir / 'not-for-print'}: {moved.name}: {moved.reason}", file=sys.stderr)


def _print_forced(forced: Sequence[WardResult | RisoWardResult]) -> None:
    if forced:
        codes = ", ".join(result.ward.code for result in forced)
        print(f"  {len(forced)} of them past preflight errors (--force), marked forced in the manifest: {codes}")


def _print_riso(report: RisoReport, quiet: bool) -> int:
    _print_findings(report, quiet)
    _print_moved_aside(report.out_dir, report.moved_aside)
    if not quiet:
        by_drum = ", ".join(f"{drum} {count}" for drum, count in report.masters.items())
        print(
            f"wrote the Riso masters of {len(report.built)} of {len(report.results)} wards to {report.out_dir}: "
            f"{report.masters_total} masters ({by_drum}), one file a drum"
        )
        _print_forced(report.forced)
        shared = {m.label: m.scope for row in report.rows for m in row.masters if m.scope != "own"}
        own: dict[str, int] = {}
        for master in (m for row in report.rows for m in row.masters if m.scope == "own"):
            own[master.drum] = own.get(master.drum, 0) + 1
        if shared:
            print("shared masters: " + ", ".join(f"{label} ({scope})" for label, scope in shared.items()))
        if own:
            print("a ward's own masters: " + ", ".join(f"{drum} {count}" for drum, count in own.items()))
        others = [result for result in report.others if result.ward.code not in report.unapproved]
        if others:
            print(f"{len(others)} other ward(s) not asked for: not for print (the masters are this build's wards')")
        printed = [row for row in report.rows if row.for_print]
        copies, sheets = sum(row.copies or 0 for row in printed), sum(row.sheets or 0 for row in printed)
        left_out = len(report.rows) - len(printed)
        not_for_print = f"; {left_out} ward(s) not for print, listed without a quantity" if left_out else ""
        print(
            f"print order: {copies} copies of {len(printed)} ward(s) on {sheets} sheets, in "
            f"{report.out_dir / 'manifest.csv'}{not_for_print}"
        )
        _print_bill(report.bill, report.spending, len(printed))
    failed = [r for r in report.results if r.errors]
    if failed:
        print(f"{len(failed)} ward(s) with errors: {', '.join(r.ward.code for r in failed)}", file=sys.stderr)
        return 1
    return 1 if report.unapproved else 0


def _build(args: argparse.Namespace) -> int:
    _check_jobs(args.jobs)
    if args.output == "riso":
        from leaflet.commands.riso import build_riso

        for flag, given in (
            ("--combined", args.combined),
            ("--combined-only", args.combined_only),
            ("--marks", args.marks),
        ):
            if given:
                raise InputError(None, flag, "is for press output", "leave it out with --for riso")
        riso = build_riso(
            args.campaign,
            args.out,
            args.wards,
            args.ward,
            _progress(args.quiet),
            jobs=args.jobs,
            force=args.force,
            approved_only=args.approved_only,
            over_limit=args.over_limit,
            print_unapproved=args.unapproved,
        )
        return _print_riso(riso, args.quiet)
    from leaflet.commands.build import build

    report = build(
        args.campaign,
        args.out,
        args.wards,
        args.ward,
        _progress(args.quiet),
        crop_marks=args.marks,
        jobs=args.jobs,
        combined=args.combined,
        combined_only=args.combined_only,
        force=args.force,
        approved_only=args.approved_only,
        over_limit=args.over_limit,
        print_unapproved=args.unapproved,
    )
    _notes(report.notes)
    _print_findings(report, args.quiet)
    _print_moved_aside(report.out_dir, report.moved_aside)
    if not args.quiet:
        _build_summary(report)
    if report.failed:
        print(
            f"{len(report.failed)} ward(s) not built: {', '.join(r.ward.code for r in report.failed)}", file=sys.stderr
        )
        return 1
    return 1 if report.unapproved else 0


def _build_summary(report: BuildReport) -> None:
    """What the build did with every ward of the spreadsheet, and the print order it left."""
    kept = f" ({len(report.kept)} more up to date, kept)" if report.kept else ""
    if report.combined_only:
        print(f"wrote {len(report.written)} of {len(report.results)} wards into the combined file, no ward PDFs")
    else:
        print(
            f"wrote {len(report.written) - len(report.kept)} of {len(report.results)} ward PDFs to "
            f"{report.out_dir}{kept}"
        )
    _print_forced(report.forced)
    others = [result for result in report.others if result.ward.code not in report.unapproved]
    if others:
        for_print = sum(1 for result in others if result.path is not None)
        print(
            f"{len(others)} other ward(s) not asked for: {for_print} still for print from earlier builds, "
            f"{len(others) - for_print} not for print"
        )
    printed = [row for row in report.manifest if row.for_print]
    households = sum(row.households or 0 for row in printed)
    quantity = sum(row.quantity or 0 for row in printed)
    left_out = len(report.manifest) - len(printed)
    not_for_print = f"; {left_out} ward(s) not for print, listed without a quantity" if left_out else ""
    print(
        f"print order: {quantity} copies of {len(printed)} ward(s) for {households} households, in "
        f"{report.out_dir / 'manifest.csv'}{not_for_print}"
    )
    if report.combined:
        print(f"combined print file: {report.combined}")
    if report.plates:
        print(report.plates)
    if report.signed_only:
        print(f"only signed-off wards were printed, each exactly as signed; {report.not_signed_off} not signed off")
    _print_bill(report.bill, report.spending, len(printed))


def _proof(args: argparse.Namespace) -> int:
    from leaflet.commands.proof import proof

    _check_jobs(args.jobs)
    report = proof(
        args.campaign,
        args.out,
        args.ward,
        args.since,
        _progress(args.quiet),
        wards_csv=args.wards,
        frame_outlines=args.frames,
        jobs=args.jobs,
    )
    _notes(report.notes)
    for ward in report.wards:
        for finding in ward.findings:
            if finding.severity == "error":
                print(f"error: ward {ward.ward.code} ({ward.ward.name}): {finding.message}", file=sys.stderr)
    if not args.quiet:
        print(f"proofed {len(report.wards)} ward(s): open {report.index}")
    return 0


def _notes(notes) -> None:
    for note in notes:
        if note:
            print(f"leaflet: note: {note}", file=sys.stderr)


def _approve(args: argparse.Namespace) -> int:
    from leaflet.commands.approve import approve

    _check_jobs(args.jobs)
    report = approve(args.campaign, args.by, args.ward, args.wards, args.jobs, args.comment, _progress(False))
    _notes([report.note])
    for code, reason in report.refused.items():
        print(f"not signed off: ward {code}: {reason}", file=sys.stderr)
    already = f" ({len(report.already)} more still signed off as they are)" if report.already else ""
    print(f"signed off {len(report.signed)} ward(s) by {args.by.strip()}{already}, recorded in {report.path}")
    return 1 if report.refused else 0


def _audit(args: argparse.Namespace) -> int:
    from leaflet.commands.audit import audit

    report = audit(args.campaign, args.out)
    _notes([report.note])
    print(f"wrote {report.events} event(s) of the audit trail to {report.path}")
    return 0


def _serve(args: argparse.Namespace) -> int:
    from leaflet.commands.serve import serve

    serve(args.campaign, args.host, args.port, args.workers, warn=lambda line: print(line, file=sys.stderr))
    return 0


def _invite(args: argparse.Namespace) -> int:
    from leaflet.commands.invite import invite, invite_all, revoke

    if args.revoke:
        count = revoke(args.campaign, args.ward, args.role)
        print(f"revoked {count} link(s)")
        return 0
    role = args.role or "organiser"
    if args.all:
        if args.out is None:
            raise InputError(None, "--all", "needs --out FILE for the links", "e.g. --all --out invites.csv")
        links = invite_all(args.campaign, args.out, role, args.url)
        print(f"wrote {len(links)} {role} link(s) to {args.out}: send each to its ward, then delete the file")
        return 0
    if not args.ward and role == "organiser":
        raise InputError(None, "--ward", "say which ward the link is for", "give --ward CODE, or --all --out FILE")
    for link in invite(args.campaign, args.ward, role, args.name, args.url):
        where = f"{link.ward.code} ({link.ward.name})" if link.ward else "every ward"
        print(f"{role} link for {where}: {link.url}")
    return 0


def _schema(args: argparse.Namespace) -> int:
    from leaflet.commands.schema import write_schemas

    for path in write_schemas(args.out):
        print(f"wrote {path}")
    return 0


COMMANDS = {
    "build": _build,
    "check": _check,
    "proof": _proof,
    "approve": _approve,
    "audit": _audit,
    "serve": _serve,
    "invite": _invite,
    "schema": _schema,
}


class _Terminated(KeyboardInterrupt):
    """SIGTERM (``kill``, a job stopping): stopped as Ctrl-C stops a run, tidily."""


def _terminate(signum: int, frame: object) -> None:
    raise _Terminated


def command() -> int:
    """The leaflet program: ``main``, then the process ends.  Every object is frozen out of the
    collector's reach first, so that ending does not walk them all once more (0.15 s after a
    build)."""
    try:
        return main()
    finally:
        gc.freeze()


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminate) if in_main_thread else None
    try:
        return COMMANDS[args.command](args)
    except LeafletError as error:
        if args.debug:
            raise
        for line in str(error).splitlines():  # several problems in a file: one line each
            print(f"leaflet: error: {line}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt as stop:
        how = "stopped (SIGTERM)" if isinstance(stop, _Terminated) else "interrupted"
        print(f"leaflet: {how}; files already written are complete, none is half-written", file=sys.stderr)
        return 128 + signal.SIGTERM if isinstance(stop, _Terminated) else 130
    finally:
        if in_main_thread:
            signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)
