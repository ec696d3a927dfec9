#!/bin/sh
# bench-verdict.sh: the verdict benchmark (bench/verdict), in Markdown:
# every case's verdict and family against the expected ones, then the
# precision of "malicious", the family accuracy and the answers with
# evidence read as unknown.  No timing: what it measures is being right.
set -eu
cd "$(dirname "$0")/.."
echo
echo "### verdict"
echo
echo '```'
python3 bench/verdict/run.py "$CHOUSA"
echo '```'
