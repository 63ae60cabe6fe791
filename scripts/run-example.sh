#!/usr/bin/env bash
# README command (a): the McDonald's job on the embedded default.
#
# Builds sparkplane, starts `sparkplane server` with a fresh data dir (API and
# embedded S3 endpoint), then does what an EMR Serverless user does, with the
# real AWS CLI: `aws s3 mb`, `aws s3 cp` the script and the data, create the
# job's execution role with `aws iam create-role`, create and start an application, submit examples/mcdonalds.py with s3:// paths, wait,
# and read the top rows back with `aws s3 cp .../SPARK_DRIVER/stdout.gz - | gunzip`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_python_tools boto3 awscli
build_sparkplane

WORK="$(mktemp -d "${TMPDIR:-/tmp}/sparkplane-example.XXXXXX")"
PORT="$(free_port)"
S3_PORT="$(free_port)"
ENDPOINT="http://127.0.0.1:$PORT"
S3_ENDPOINT="http://127.0.0.1:$S3_PORT"
log "starting sparkplane server: API $ENDPOINT, S3 $S3_ENDPOINT, data dir $WORK/data"
"$SPARKPLANE_BIN" server --listen "127.0.0.1:$PORT" --s3-listen "127.0.0.1:$S3_PORT" --data-dir "$WORK/data" \
  >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
trap 'kill $SERVER_PID 2>/dev/null; wait $SERVER_PID 2>/dev/null || true' EXIT
WAIT_SECONDS=60 wait_for curl -sf "$ENDPOINT/health" || { cat "$WORK/server.log"; exit 1; }

eval "$("$SPARKPLANE_BIN" credentials --data-dir "$WORK/data")"
export AWS_DEFAULT_REGION=us-east-1
emr() { aws emr-serverless --endpoint-url "$ENDPOINT" "$@"; }
s3() { aws s3 --endpoint-url "$S3_ENDPOINT" "$@"; }

s3 mb s3://mcdonalds
s3 cp --only-show-errors "$REPO_ROOT/examples/mcdonalds.py" s3://mcdonalds/code/mcdonalds.py
s3 cp --only-show-errors "$REPO_ROOT/examples/data/mcdonalds_dataset.csv" s3://mcdonalds/data/mcdonalds_dataset.csv
log "uploaded the job and its data to s3://mcdonalds/"

# The job runs as its execution role, which must exist and trust the service,
# and reaches s3:// with that role's permissions: the EMR Serverless
# walkthrough's trust and runtime policies, with the bucket filled in.
IAM_DOCS="$REPO_ROOT/crates/policy/tests/data"
aws iam --endpoint-url "$ENDPOINT" create-role --role-name EMRServerlessJobRole \
  --assume-role-policy-document "file://$IAM_DOCS/runtime-role-trust-policy.json" \
  --query Role.Arn --output text
sed 's/{DOC-EXAMPLE-BUCKET}/mcdonalds/g' "$IAM_DOCS/runtime-role-policy.json" >"$WORK/runtime-role-policy.json"
aws iam --endpoint-url "$ENDPOINT" put-role-policy --role-name EMRServerlessJobRole \
  --policy-name runtime --policy-document "file://$WORK/runtime-role-policy.json"
APP_ID="$(emr create-application --type SPARK --release-label emr-7.9.0 --name mcdonalds \
  --query applicationId --output text)"
emr start-application --application-id "$APP_ID"
log "application $APP_ID started"

JOB_DRIVER=$(cat <<JSON
{"sparkSubmit": {
  "entryPoint": "s3://mcdonalds/code/mcdonalds.py",
  "entryPointArguments": ["s3://mcdonalds/data/mcdonalds_dataset.csv", "s3://mcdonalds/output/"],
  "sparkSubmitParameters": "--conf spark.driver.cores=1 --conf spark.driver.memory=1g --conf spark.executor.cores=1 --conf spark.executor.memory=1g --conf spark.executor.instances=2 --conf spark.dynamicAllocation.enabled=false"
}}
JSON
)
JOB_ID="$(emr start-job-run --application-id "$APP_ID" --name mcdonalds \
  --execution-role-arn arn:aws:iam::123456789012:role/EMRServerlessJobRole \
  --job-driver "$JOB_DRIVER" \
  --configuration-overrides '{"monitoringConfiguration":{"s3MonitoringConfiguration":{"logUri":"s3://mcdonalds/logs/"}}}' \
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
log "full result written by the job:"
s3 ls --recursive s3://mcdonalds/output/
LOG_URI="s3://mcdonalds/logs/applications/$APP_ID/jobs/$JOB_ID/SPARK_DRIVER/stdout.gz"
log "top rows: aws s3 cp $LOG_URI - | gunzip"
aws s3 --endpoint-url "$S3_ENDPOINT" cp "$LOG_URI" - | gunzip | grep -E '^[^,]+,(True|False),[0-9]+$' | head -10
