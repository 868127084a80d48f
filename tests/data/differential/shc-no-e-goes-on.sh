#!/bin/bash
# fail: db:migrate
# bash: continues
# `sh -c 'task; other'` without -e: the inner shell goes on after the failure.
set -e
sh -c 'bin/rails db:migrate; echo MARK-inner >> "$HOME/trace"'
echo MARK-after >> "$HOME/trace"
