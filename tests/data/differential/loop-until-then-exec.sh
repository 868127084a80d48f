#!/bin/bash
# fail: db:migrate
# fail-call: all
# bash: continues
# An entrypoint: the retries give up and the server starts anyway.
n=0
until bin/rails db:migrate; do
  n=$((n + 1))
  [ "$n" -ge 3 ] && break
done
exec sh -c 'echo MARK-server >> "$HOME/trace"'
