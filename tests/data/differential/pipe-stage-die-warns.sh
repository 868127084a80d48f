#!/bin/bash
# fail: db:migrate
# bash: continues
# message: yes
# `die` ends only the pipeline's first stage, after its message; the pipeline's status is tee's.
die() { echo "$*" >&2; exit 1; }
{ bin/rails db:migrate || die "migration failed"; } | tee /dev/null
echo MARK-after >> "$HOME/trace"
