#!/usr/bin/env bash
# Recovers failed tasks of a scan array: requeues them (each resumes from its journal) and re-arms
# the merge, which a failed task left waiting forever (Slurm marks an afterok dependency on a failed
# job as never satisfied, and keeps it so after a requeue).
#   deploy/slurm/requeue.sh ARRAY_JOB MERGE_JOB TASK...
# Preempted tasks need none of this: with --requeue Slurm puts them back itself.
set -euo pipefail

if [ $# -lt 3 ]; then echo "usage: $0 ARRAY_JOB MERGE_JOB TASK..." >&2; exit 2; fi
array=$1 merge=$2
shift 2
deps=()
for task in "$@"; do
  # A task still stopping (state CG) cannot be requeued yet: wait for it (up to a minute).
  for _ in $(seq 60); do
    [ -z "$(squeue -h -j "${array}_${task}" -t R,CG,S 2>/dev/null)" ] && break
    sleep 1
  done
  scontrol requeue "${array}_${task}"
  scontrol update jobid="${array}_${task}" StartTime=now # a requeue otherwise waits about two minutes
  deps+=("${array}_${task}")
done
# The other tasks are done; the merge now waits for the requeued ones only.
scontrol update jobid="$merge" dependency="afterok:$(IFS=:; echo "${deps[*]}")"
echo "requeued ${deps[*]}; merge $merge waits for them"
