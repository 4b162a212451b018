"""`python -m company_research` runs the command line."""

from company_research.cli import main

main()
