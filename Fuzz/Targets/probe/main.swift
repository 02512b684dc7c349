import FuzzHarness

FuzzDriver.main("probe")
