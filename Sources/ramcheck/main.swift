// The ramcheck executable: everything else is the RAMCLI library, which the tests import.
import Foundation
import RAMCLI

exit(RAMCLI.main(CommandLine.arguments))
