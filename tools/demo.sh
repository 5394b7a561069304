#!/usr/bin/env bash
# make demo: a simulated controller on a pseudo-terminal, then plan, apply
# and an empty plan of sites/depot.hcl against it. No hardware, no set-up;
# everything lives in a temporary directory removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
ECC=${ECC:-./ecc}
export ECC_AUTH_CP01=${ECC_AUTH_CP01:-ECOTAP-1802500:demo-secret}

work=$(mktemp -d "${TMPDIR:-/tmp}/ecc-demo.XXXXXX")
sim_pid=
cleanup() {
	[ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
	step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
else
	step() { printf '\n== %s\n' "$*"; }
fi

step "ecc validate sites/depot.hcl (and the same site in YAML)"
$ECC validate sites/depot.hcl
$ECC validate sites/depot.yaml

step "ecc sim: a controller EVC5.1 G48229 running V32R16, on a pseudo-terminal"
$ECC sim --state "$work/controller.json" --link "$work/tty" --model EVC5.1 --serial G48229 --firmware V32R16 >"$work/sim.log" 2>&1 &
sim_pid=$!
for _ in $(seq 50); do [ -e "$work/tty" ] && break; sleep 0.1; done
cat "$work/sim.log"

common=(--port "$work/tty" --state-dir "$work/state")

step "ecc plan sites/depot.hcl --port $work/tty"
$ECC plan sites/depot.hcl "${common[@]}"

step "ecc apply sites/depot.hcl --port $work/tty --auto-approve"
$ECC apply sites/depot.hcl "${common[@]}" --auto-approve

step "ecc plan --detailed-exitcode (expect no changes, exit 0)"
$ECC plan sites/depot.hcl "${common[@]}" --detailed-exitcode
echo "exit code: $?"
