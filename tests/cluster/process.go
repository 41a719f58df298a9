package cluster

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// Processes are programs started in process groups of their own, each logging to
// <Dir>/<name>.log, and stopped by PID, the last started first.
type Processes struct {
	Dir     string
	started []started
}

type started struct {
	name string
	cmd  *exec.Cmd
	done chan struct{}
}

// Spawn starts a program.
func (p *Processes) Spawn(name, path string, args ...string) error {
	logFile, err := os.Create(filepath.Join(p.Dir, name+".log"))
	if err != nil {
		return err
	}
	cmd := exec.Command(path, args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return fmt.Errorf("starting %s: %w", name, err)
	}
	s := started{name: name, cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); logFile.Close(); close(s.done) }()
	p.started = append(p.started, s)
	return nil
}

// Stop ends the program called name and its process group: SIGTERM, then SIGKILL after
// 10 seconds. Stopping what is not running does nothing.
func (p *Processes) Stop(name string) {
	for i := len(p.started) - 1; i >= 0; i-- {
		if s := p.started[i]; s.name == name {
			stop(s)
			p.started = append(p.started[:i], p.started[i+1:]...)
		}
	}
}

// StopAll ends every program, the last started first.
func (p *Processes) StopAll() {
	for len(p.started) > 0 {
		s := p.started[len(p.started)-1]
		stop(s)
		p.started = p.started[:len(p.started)-1]
	}
}

// Running tells whether the program called name was started and has not exited.
func (p *Processes) Running(name string) bool {
	for _, s := range p.started {
		if s.name == name {
			select {
			case <-s.done:
			default:
				return true
			}
		}
	}
	return false
}

func stop(s started) {
	pgid := s.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-s.done
	}
}

// Log is the end of the program's log, for error messages.
func (p *Processes) Log(name string) string {
	data, _ := os.ReadFile(filepath.Join(p.Dir, name+".log"))
	if len(data) > 4000 {
		data = data[len(data)-4000:]
	}
	return string(data)
}
