#!/bin/bash
# fail: db:migrate:status
# bash: continues
# `export X=$(task)`: the status is `export`'s.
set -e
export STATUS_OUTPUT=$(bin/rails db:migrate:status)
echo MARK-after >> "$HOME/trace"
