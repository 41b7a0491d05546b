from helpsite.cli import main

raise SystemExit(main())
