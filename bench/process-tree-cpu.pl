#!/usr/bin/perl
# Runs a command and writes the CPU time (user, sys) of its whole process tree to a file, with the wall time
# until the command itself exited:
#
#   perl bench/process-tree-cpu.pl OUT.json COMMAND [ARGS...]
#
# getrusage's children figures count only processes someone waited for, and Nx's plugin workers may outlive
# the nx process that started them. So this process becomes a child subreaper (prctl PR_SET_CHILD_SUBREAPER):
# orphans of the tree are re-parented here, and waiting for every one of them puts all of their CPU into its
# children's times. Perl rather than Node because Node cannot call prctl, and perl-base is on every Debian.
use strict;
use warnings;
use POSIX qw(:sys_wait_h);
use Time::HiRes qw(time);

my ($out, @command) = @ARGV;
die "usage: process-tree-cpu.pl OUT.json COMMAND [ARGS...]\n" unless $out && @command;
my %SYS_prctl = (x86_64 => 157, aarch64 => 167);
my $nr = $SYS_prctl{(POSIX::uname())[4]} or die "process-tree-cpu: no prctl syscall number for this machine\n";
syscall($nr, 36, 1, 0, 0, 0) == 0 or die "process-tree-cpu: prctl(PR_SET_CHILD_SUBREAPER): $!\n";

my $t0 = time;
my $pid = fork() // die "process-tree-cpu: fork: $!\n";
if ($pid == 0) {
  exec { $command[0] } @command or die "process-tree-cpu: exec $command[0]: $!\n";
}
waitpid($pid, 0);
my $status = $?;
my $wall = time - $t0;
# The rest of the tree: orphans re-parented to this process, waited for until none is left.
1 while waitpid(-1, 0) > 0;
my $ticks = POSIX::sysconf(POSIX::_SC_CLK_TCK());
my (undef, undef, undef, $cuser, $csys) = POSIX::times();
open(my $fh, '>', $out) or die "process-tree-cpu: $out: $!\n";
printf $fh '{"wall":%.4f,"user":%.3f,"sys":%.3f}' . "\n", $wall, $cuser / $ticks, $csys / $ticks;
close($fh);
exit(WIFEXITED($status) ? WEXITSTATUS($status) : 128 + WTERMSIG($status));
