REPORTS: list[str] = []  # lines the fuzzers add; printed at the end of the run
