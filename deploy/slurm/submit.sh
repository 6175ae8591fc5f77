#!/usr/bin/env bash
# Submits a sharded scan of MODEL as a Slurm job array of N tasks plus the merge that runs after all
# of them succeed, and prints both job ids. Results: OUT/shards/<i> per task, OUT/merged in the end,
# logs in OUT/logs. Scan options after N pass through to every task (--templates, --batch, ...).
#   deploy/slurm/submit.sh MODEL OUT N [scan options...]
# Environment: SBATCH_ARGS = extra sbatch options for both jobs ("--partition=long --time=4:00:00");
# CPUS_PER_TASK (default 2) and GPUS_PER_TASK (default none) for the scan tasks; ANOMALYPROBE and
# GPU_LAYERS as in scan.sbatch.
set -euo pipefail

if [ $# -lt 3 ]; then
  echo "usage: $0 MODEL OUT N [scan options...]" >&2
  exit 2
fi
model=$(realpath "$1") out=$(realpath -m "$2") n=$3
shift 3
if ! [[ $n =~ ^[1-9][0-9]*$ ]]; then echo "submit.sh: N must be a positive whole number, not '$n'" >&2; exit 2; fi
if [ ! -f "$model" ]; then echo "submit.sh: no model file '$model'" >&2; exit 2; fi
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out/logs"

# shellcheck disable=SC2206 # SBATCH_ARGS is a list of words on purpose
extra=(${SBATCH_ARGS:-})
resources=(--cpus-per-task="${CPUS_PER_TASK:-2}")
if [ -n "${GPUS_PER_TASK:-}" ]; then resources+=(--gpus-per-task="$GPUS_PER_TASK"); fi

array=$(sbatch --parsable "${extra[@]}" "${resources[@]}" --array="0-$((n - 1))" --output="$out/logs/scan-%A_%a.log" \
  "$here/scan.sbatch" "$model" "$out" "$@")
array=${array%%;*} # --parsable prints "id" or "id;cluster"
merge=$(sbatch --parsable "${extra[@]}" --dependency="afterok:$array" --output="$out/logs/merge-%j.log" \
  "$here/merge.sbatch" "$model" "$out")
merge=${merge%%;*}
echo "scan: job array $array (tasks ${array}_0 .. ${array}_$((n - 1))) -> $out/shards"
echo "merge: job $merge, after every task succeeds -> $out/merged"
echo "a task that failed: deploy/slurm/requeue.sh $array $merge TASK..."
