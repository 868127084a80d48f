#!/bin/bash
# fail: db:migrate
# fail-call: all
# bash: aborts
# Retries with the last failure exiting inside the loop.
for attempt in 1 2 3; do
  if bin/rails db:migrate; then break; fi
  if [ "$attempt" -eq 3 ]; then echo "error: giving up" >&2; exit 1; fi
done
echo MARK-after >> "$HOME/trace"
