#!/bin/bash
# fail: db:migrate
# bash: aborts
# `eval` is a simple command: a failing `&&` list as its text is eval's failing status, and errexit acts.
set -e
eval 'bin/rails db:migrate && echo MARK-migrated >> "$HOME/trace"'
echo MARK-after >> "$HOME/trace"
