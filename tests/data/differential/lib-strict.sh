#!/bin/bash
# Helper for errexit-sourced.sh: a library that turns strict mode on.
set -eo pipefail
log() { echo "$*" >&2; }
