#!/bin/sh
# One scheduled `ecanalysis batch`, logged, followed by a notice of what needs attention.
#
# usage (from cron or a systemd service):
#   scheduled_batch.sh --notebooks daily_report --stores all --period yesterday
# Every argument goes to `ecanalysis batch`. Settings from the environment:
#   ECANALYSIS_HOME  the checkout with its .venv      (default /srv/ecanalysis)
#   ECANALYSIS_DATA  the dataset directory            (default data/live, inside HOME)
#   ECANALYSIS_RUNS  the runs directory               (default runs, inside HOME)
#   ECANALYSIS_LOG   the log file, appended to        (default logs/ecanalysis.log)
#   NOTIFY           a shell command that reads the notice on stdin; unset: print it
#                    (cron mails what a job prints to MAILTO)
# Exit code: the batch's own (0 all ok, 1 some report failed, 2 refused to run).
set -u
cd "${ECANALYSIS_HOME:-/srv/ecanalysis}" || exit 2
data=${ECANALYSIS_DATA:-data/live}
runs=${ECANALYSIS_RUNS:-runs}
log=${ECANALYSIS_LOG:-logs/ecanalysis.log}
mkdir -p "$(dirname "$log")"

since=$(date -u +%Y-%m-%dT%H:%M:%S+00:00)
echo "== $since ecanalysis batch $*" >>"$log"
.venv/bin/ecanalysis batch "$@" --data "$data" --out "$runs" >>"$log" 2>&1
code=$?
echo "== $(date -u +%Y-%m-%dT%H:%M:%S+00:00) exit $code" >>"$log"

notice=$(.venv/bin/python docs/examples/notify_alerts.py "$runs" --since "$since")
if [ "$code" -eq 2 ]; then
    notice=$(printf '%s\n%s' "ecanalysis batch $* refused to run (exit 2); see $log in $(pwd)" "$notice")
fi
if [ -n "$notice" ]; then
    if [ -n "${NOTIFY:-}" ]; then
        printf '%s\n' "$notice" | sh -c "$NOTIFY"
    else
        printf '%s\n' "$notice"
    fi
fi
exit "$code"
