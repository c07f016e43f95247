# Types a command line into an interactive zsh (zsh/zpty), presses TAB and prints the line completion made of it:
# ShellCompletionAndManPagesTest checks the _lmsbench file zsh autoloads from fpath.
# $1: fpath dir, $2: the words typed before TAB
zmodload zsh/zpty
zpty -b z 'zsh -f -i'
zpty -w z 'PS1="> "; fpath=('"$1"' $fpath); autoload -U compinit && compinit -u -D; lmsbench() { :; }'
zpty -n -w z "$2"$'\t'
zpty -n -w z $'\x01print -r -- DONE:\x05\n'
out=""
for i in {1..200}; do
  zpty -rt z line && out+="$line"
  [[ "$out" == *$'\n'DONE:* ]] && break
  [[ "$out" == *DONE:*$'\r'* ]] && break
  sleep 0.05
done
zpty -d z
print -r -- "${${out##*DONE:}%%$'\r'*}"
