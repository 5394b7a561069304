#!/usr/bin/env bash
# ecc-review.sh: the review of a pull (merge) request that changes site
# files, as CI runs it: no controller, no secret. Used by github-workflow.yml
# and gitlab-ci.yml, and run as is by ecc's own tests (cmd/ecc/ci_test.go).
#
#   ecc-review.sh OUTDIR SITE_FILE_OR_DIR...
#
# 1. ecc validate --no-secrets: annotations on stdout (ECC_ANNOTATIONS=github,
#    the default: ::error file=F,line=L,col=C::MESSAGE; or text). An invalid
#    file stops here: exit 1.
# 2. ecc plan --offline --no-secrets --format markdown > OUTDIR/plan.md, with
#    a first-line marker that lets the comment be found and updated
#    (<!-- ecc-plan -->). Changes and stations to commission are not
#    failures; a blocked station is (exit 1, after writing the plan).
#    ECC_MAX_AGE (e.g. 720h) makes an older snapshot an error.
# 3. ecc status --format markdown > OUTDIR/status.md (the job summary).
#
# ECC names the binary (default: ecc on PATH).
set -u
ecc=${ECC:-ecc}
if [ $# -lt 2 ]; then
	echo "usage: $0 OUTDIR SITE_FILE_OR_DIR..." >&2
	exit 2
fi
out=$1
shift
mkdir -p "$out"

"$ecc" validate --no-secrets --format "${ECC_ANNOTATIONS:-github}" "$@" || exit 1

plan_args=(--offline --no-secrets --format markdown)
if [ -n "${ECC_MAX_AGE:-}" ]; then
	plan_args+=(--max-age "$ECC_MAX_AGE")
fi
{
	echo '<!-- ecc-plan -->'
	"$ecc" plan "${plan_args[@]}" "$@"
} >"$out/plan.md"
plan_rc=$?

"$ecc" status --format markdown "$@" >"$out/status.md" || exit 1
exit "$plan_rc"
