#!/bin/bash
# fail: db:migrate
# bash: aborts
# `time` before a group times the group; its status is the group's, and errexit acts on it.
set -e
time { bin/rails db:migrate; }
echo MARK-after >> "$HOME/trace"
