import YoiCLI

YoiCommand.main()
