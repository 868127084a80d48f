#!/bin/bash
# fail: db:migrate
# fail-call: all
# bash: aborts
# A retry in `$( )`: the loop's status after the last failed attempt is that attempt's, and `|| exit 1` stops.
for attempt in 1 2 3; do out=$(bin/rails db:migrate) && break; done || exit 1
echo MARK-after >> "$HOME/trace"
