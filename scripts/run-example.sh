#!/usr/bin/env bash
# README command (a): the McDonald's job on the embedded default.
#
# Builds sparkplane, starts `sparkplane server` with a fresh data dir, then uses
# the real AWS CLI to create an application, start it, submit
# examples/mcdonalds.py over examples/data/mcdonalds_dataset.csv, wait for the
# run, and print the top rows from the driver's stdout.gz in the EMR log layout.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_python_tools boto3 awscli
build_sparkplane

WORK="$(mktemp -d "${TMPDIR:-/tmp}/sparkplane-example.XXXXXX")"
PORT="$(free_port)"
ENDPOINT="http://127.0.0.1:$PORT"
log "starting sparkplane server on $ENDPOINT (data dir $WORK/data)"
"$SPARKPLANE_BIN" server --listen "127.0.0.1:$PORT" --data-dir "$WORK/data" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
trap 'kill $SERVER_PID 2>/dev/null; wait $SERVER_PID 2>/dev/null || true' EXIT
WAIT_SECONDS=60 wait_for curl -sf "$ENDPOINT/health" || { cat "$WORK/server.log"; exit 1; }

eval "$("$SPARKPLANE_BIN" credentials --data-dir "$WORK/data")"
export AWS_DEFAULT_REGION=us-east-1
emr() { aws emr-serverless --endpoint-url "$ENDPOINT" "$@"; }

APP_ID="$(emr create-application --type SPARK --release-label emr-7.9.0 --name mcdonalds \
  --query applicationId --output text)"
emr start-application --application-id "$APP_ID"
log "application $APP_ID started"

JOB_DRIVER=$(cat <<JSON
{"sparkSubmit": {
  "entryPoint": "file://$REPO_ROOT/examples/mcdonalds.py",
  "entryPointArguments": ["$REPO_ROOT/examples/data/mcdonalds_dataset.csv"],
  "sparkSubmitParameters": "--conf spark.driver.cores=1 --conf spark.driver.memory=1g --conf spark.executor.cores=1 --conf spark.executor.memory=1g --conf spark.executor.instances=2 --conf spark.dynamicAllocation.enabled=false"
}}
JSON
)
JOB_ID="$(emr start-job-run --application-id "$APP_ID" --name mcdonalds \
  --execution-role-arn arn:aws:iam::123456789012:role/EMRServerlessJobRole \
  --job-driver "$JOB_DRIVER" \
  --configuration-overrides "{\"monitoringConfiguration\":{\"s3MonitoringConfiguration\":{\"logUri\":\"file://$WORK/logs/\"}}}" \
  --query jobRunId --output text)"
log "job run $JOB_ID submitted (the first run installs the Spark runtime into $SPARKPLANE_RUNTIME_DIR)"

STATE=""
DEADLINE=$((SECONDS + 1200))
while [ "$SECONDS" -lt "$DEADLINE" ]; do
  STATE="$(emr get-job-run --application-id "$APP_ID" --job-run-id "$JOB_ID" --query jobRun.state --output text)"
  case "$STATE" in SUCCESS|FAILED|CANCELLED) break ;; esac
  sleep 1
done
emr get-job-run --application-id "$APP_ID" --job-run-id "$JOB_ID" \
  --query 'jobRun.{state:state,details:stateDetails,seconds:totalExecutionDurationSeconds,billed:billedResourceUtilization}'
if [ "$STATE" != "SUCCESS" ]; then
  log "job run ended in $STATE; driver stderr:"
  "$SPARKPLANE_BIN" logs "$APP_ID" "$JOB_ID" --stderr --endpoint "$ENDPOINT" | tail -30
  exit 1
fi
log "top rows (gunzip of $WORK/logs/applications/$APP_ID/jobs/$JOB_ID/SPARK_DRIVER/stdout.gz):"
gunzip -c "$WORK/logs/applications/$APP_ID/jobs/$JOB_ID/SPARK_DRIVER/stdout.gz" | grep -E '^[^,]+,(True|False),[0-9]+$' | head -10
