#!/usr/bin/env bash
# ecc-review.sh: the review of a pull (merge) request that changes site
# files, as CI runs it: no controller, no secret. Used by github-workflow.yml
# and gitlab-ci.yml, and run as is by ecc's own tests (cmd/ecc/ci_test.go).
#
#   ecc-review.sh OUTDIR SITE_FILE_OR_DIR...
#
# 1. ecc validate --no-secrets: annotations on stdout (ECC_ANNOTATIONS=github,
#    the default: ::error file=F,line=L,col=C::MESSAGE; or text). An invalid
#    file stops here: exit 1, and OUTDIR/plan.md says that there is no plan
#    (so the comment of an earlier push does not stand as if current).
# 2. ecc plan --offline --no-secrets --format markdown > OUTDIR/plan.md, with
#    a first-line marker that lets the comment be found and updated
#    (<!-- ecc-plan -->). Changes and stations to commission are not
#    failures; a blocked station is (exit 1, after writing the plan).
#    ECC_MAX_AGE (e.g. 720h) makes an older snapshot an error. A plan longer
#    than a comment holds (GitHub: 65,536 characters) is kept whole as
#    OUTDIR/plan-full.md, and plan.md is its beginning, cut between two
#    stations, with a note (ECC_COMMENT_LIMIT, default 60000 bytes).
# 3. ecc status --format markdown > OUTDIR/status.md (the job summary); one
#    longer than a job summary holds is cut the same way (status-full.md,
#    ECC_SUMMARY_LIMIT, default 1000000 bytes).
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

if ! "$ecc" validate --no-secrets --format "${ECC_ANNOTATIONS:-github}" "$@"; then
	{
		echo '<!-- ecc-plan -->'
		echo "**No plan: the site files of this change do not validate.** The errors are in the job's log (and, on GitHub, annotations on the diff)."
	} >"$out/plan.md"
	exit 1
fi

plan_args=(--offline --no-secrets --format markdown)
if [ -n "${ECC_MAX_AGE:-}" ]; then
	plan_args+=(--max-age "$ECC_MAX_AGE")
fi
{
	echo '<!-- ecc-plan -->'
	"$ecc" plan "${plan_args[@]}" "$@"
} >"$out/plan.md"
plan_rc=$?

# fit_comment cuts plan.md to what a comment holds: whole stations (a
# station starts at "<details>" or "### "), folds closed, and a note that
# points to the whole plan.
limit=${ECC_COMMENT_LIMIT:-60000}
size=$(wc -c <"$out/plan.md")
if [ "$size" -gt "$limit" ]; then
	mv "$out/plan.md" "$out/plan-full.md"
	awk -v budget="$((limit - 1000))" -v size="$size" -v full="$out/plan-full.md" '
		{ line[NR] = $0 }
		END {
			total = 0; keep = 0
			for (i = 1; i <= NR; i++) {
				if (i > 1 && line[i] ~ /^(<details>|### |No changes: )/) keep = i - 1
				total += length(line[i]) + 1
				if (total > budget) break
			}
			if (keep == 0) keep = i - 1
			open = 0
			for (j = 1; j <= keep; j++) {
				print line[j]
				if (line[j] ~ /^<details>/) open++
				if (line[j] ~ /^<\/details>/) open--
			}
			if (open > 0) print "\n</details>"
			left = 0
			for (j = keep + 1; j <= NR; j++) if (line[j] ~ /^(<details>|### )/) left++
			printf "\n*The plan is %d bytes, more than a comment holds: %d more stations with changes are not shown here. The whole plan is %s in the job'"'"'s artifacts (or run `ecc plan --offline` on the branch).*\n", size, left, full
		}' "$out/plan-full.md" >"$out/plan.md"
fi

"$ecc" status --format markdown "$@" >"$out/status.md" || exit 1

# A job summary holds at most 1 MiB (GitHub), the status of about 12,000
# stations: a longer one is kept whole as status-full.md, and status.md is
# its first rows, the closing count, and a note.
slimit=${ECC_SUMMARY_LIMIT:-1000000}
ssize=$(wc -c <"$out/status.md")
if [ "$ssize" -gt "$slimit" ]; then
	mv "$out/status.md" "$out/status-full.md"
	awk -v budget="$((slimit - 1000))" -v full="$out/status-full.md" '
		{ total += length($0) + 1; if (total <= budget) print; else left++; last = $0 }
		END { printf "\n*%d more lines are not shown here: the whole status is %s in the job'"'"'s artifacts.*\n\n%s\n", left, full, last }
	' "$out/status-full.md" >"$out/status.md"
fi
exit "$plan_rc"
