"""Parity table: simulator.istio against the real istioctl, per release and settings variant.

    python3 -m tests.istio.parity_report                 # all releases and variants, plus Istio's goldens
    python3 -m tests.istio.parity_report --release 1.30.3 --variant default --no-goldens

For every (release, variant): cases run, identical, differing, and what istioctl did with them (documents
injected, all skipped, or an error).  Every difference is listed after the table.  The real istioctl comes
from tests/oracles/istioctl.py (cached builds under ~/.cache/kubectl-inject/); its outputs are cached, so a
second run only costs the simulator's time.
"""

import argparse
import sys
import time

from tests.istio import parity


def _outcome(release, variant, path):
    from tests.oracles import istioctl

    s = parity.setup(release, variant)
    manifest = parity.prepared_input(path, variant, release)
    r = istioctl.kube_inject_result(release, manifest, inject_config=s.inputs["inject_config"],
                                    mesh_config=s.inputs["mesh_config"], values=s.inputs["values"],
                                    extra_args=s.kube_args, env=s.env or None)
    if r.returncode != 0:
        return "error"
    if "sidecar.istio.io/status" in r.stdout:
        return "injected"
    return "skipped"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--release", action="append", help="only this release (repeatable)")
    ap.add_argument("--variant", action="append", help="only this variant (repeatable)")
    ap.add_argument("--no-goldens", action="store_true", help="skip the reproduction of Istio's golden files")
    args = ap.parse_args(argv)
    parity.ensure_oracle_env()
    from tests.oracles import istioctl

    releases = args.release or list(parity.RELEASES)
    variants = [parity.VARIANT_BY_NAME[v] for v in args.variant] if args.variant else list(parity.VARIANTS)
    rows, diffs = [], []
    started = time.monotonic()
    for release in releases:
        try:
            istioctl.istioctl_binary(release)
        except istioctl.OracleUnavailable as e:
            print("istioctl %s unavailable: %s" % (release, e.reason), file=sys.stderr)
            continue
        for v in variants:
            outcomes = {"injected": 0, "skipped": 0, "error": 0}
            same = 0
            paths = parity.corpus_inputs()
            for p in paths:
                r = parity.run_case(release, v, p)
                outcomes[_outcome(release, v, p)] += 1
                if r.identical:
                    same += 1
                else:
                    diffs.append(r)
            rows.append((release, v.name, len(paths), same, len(paths) - same, outcomes))
    print("| release | variant | cases run | identical | differing | istioctl: injected / skipped / error |")
    print("|---|---|---|---|---|---|")
    total = same_total = 0
    for release, name, n, same, differ, o in rows:
        total += n
        same_total += same
        print("| %s | %s | %d | %d | %d | %d / %d / %d |" % (release, name, n, same, differ, o["injected"],
                                                            o["skipped"], o["error"]))
    if total:
        print("| all | all | %d | %d | %d | %.1f%% identical |" % (total, same_total, total - same_total,
                                                                   100.0 * same_total / total))
    if not args.no_goldens:
        _goldens()
    print()
    if diffs:
        print("Differences:")
        for r in diffs:
            print("- %s / %s / %s: %s %s %s" % (r.release, r.variant, r.case, r.detail.splitlines()[0] if r.detail
                                                 else "", r.real_error[:200], r.mine_error[:200]))
    else:
        print("No differences.")
    print("(%.0f s)" % (time.monotonic() - started))
    return 0 if not diffs else 1


def _goldens():
    from tests.istio import goldens
    from tests.istio.golden_cases import all_cases

    if parity.GOLDEN_CORPUS is None:
        print("\nIstio 1.30.3's own golden files: not compared, " + parity.GOLDEN_CORPUS_MISSING)
        return
    cases = all_cases(parity.GOLDEN_CORPUS)
    ki = [c for c in cases if c.kube_inject]
    wh = [c for c in cases if c.webhook and not c.error]
    ki_bad = [c.id for c in ki if goldens.check_kube_inject(c)]
    wh_bad = [c.id for c in wh if goldens.check_webhook(c)]
    print()
    print("Istio 1.30.3's own golden files (inject-testdata/*.injected, with the settings of its TestInjection):")
    print("| mode | goldens | reproduced | differing |")
    print("|---|---|---|---|")
    print("| kube-inject | %d | %d | %d |" % (len(ki), len(ki) - len(ki_bad), len(ki_bad)))
    print("| webhook | %d | %d | %d |" % (len(wh), len(wh) - len(wh_bad), len(wh_bad)))
    for name in ki_bad:
        print("  kube-inject differs: %s" % name)
    for name in wh_bad:
        print("  webhook differs: %s" % name)


if __name__ == "__main__":
    sys.exit(main())
