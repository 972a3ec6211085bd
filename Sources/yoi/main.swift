import YoiCLI

await YoiCommand.start()
