#!/bin/bash
# fail: db:migrate
# bash: aborts
# `${PIPESTATUS[0]}` checked after the pipeline.
bin/rails db:migrate | tee migrate.log
if [ "${PIPESTATUS[0]}" -ne 0 ]; then
  echo "error: db:migrate failed" >&2
  exit 1
fi
echo MARK-after >> "$HOME/trace"
