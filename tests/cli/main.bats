#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The tpsim command itself: help, version, bad commands.
load helper

@test "tpsim --help lists the commands" {
	run tpsim --help
	assert_success
	assert_output --partial "Usage: tpsim COMMAND"
	assert_output --partial "calc"
	assert_output --partial "check"
	assert_output --partial "replay"
}

@test "every command has --help, exit 0" {
	for c in calc check replay; do
		run tpsim "$c" --help
		assert_success
		assert_output --partial "Usage: tpsim $c"
		assert_output --partial "Exit status"
	done
}

@test "tpsim --version" {
	run tpsim --version
	assert_success
	assert_output --regexp '^tpsim [0-9]+\.[0-9]+$'
}

@test "no command: one line, exit 2" {
	run tpsim
	assert_failure 2
	assert_output "tpsim: no command given (try 'tpsim --help')"
}

@test "unknown command: exit 2" {
	run tpsim frobnicate
	assert_failure 2
	assert_output "tpsim: unknown command 'frobnicate' (try 'tpsim --help')"
}
