"""The preflight rules: findings from laid-out pages and from written print files."""
