"""The checks and their rules: the rule base, the catalogue, the runner, each rule module,
suppressions, the reports and the generated documentation.
"""
