#!/bin/bash
# fail: db:migrate
# bash: aborts
# `sh -ec 'task; other'`: the inner shell stops, its status stops the outer one under set -e.
set -e
sh -ec 'bin/rails db:migrate; echo MARK-inner >> "$HOME/trace"'
echo MARK-after >> "$HOME/trace"
