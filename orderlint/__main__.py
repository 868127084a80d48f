from orderlint.cli.main import main

main()
