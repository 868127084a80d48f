#!/bin/bash
# fail: db:migrate
# fail-call: all
# bash: aborts
# Every attempt fails; the flag checked after the loop exits.
ok=0
for attempt in 1 2 3; do
  if bin/rails db:migrate; then ok=1; break; fi
  echo "retrying ($attempt)" >&2
done
[ "$ok" = 1 ] || { echo "error: db:migrate failed 3 times" >&2; exit 1; }
echo MARK-after >> "$HOME/trace"
