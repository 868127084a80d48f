"""limits: how much work the flow spends on one entry script before it summarises."""

MAX_CALL_DEPTH = 40
# Work allowed per entry script before calls and loops are summarised instead of walked:
# nested loops and functions calling each other twice would otherwise grow exponentially.
STEP_BUDGET = 200_000
MAX_LOOPS_UNROLLED = 3  # nested loops deeper than this run their body once
MAX_NESTED_SHELLS = 8
MAX_RETRIES = 25  # attempts of a retry loop walked one by one while its counter changes
